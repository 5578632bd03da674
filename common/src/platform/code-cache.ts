/**
 * Loads a CommonJS bundle of ours from a V8 code cache: the bytecode of the functions the last load compiled
 * (loading the bundle and whatever ran in its first 1.5 s, such as the first lint), kept in the user's cache folder
 * under a hash of the bundle and the Node version. Without a usable cache (first load, new version, unreadable or
 * unwritable folder, V8 rejecting the data) the bundle is compiled as usual and a cache is written 1.5 s later.
 * Used for the language server (server/src/lsp/cached-start.ts) and for the engine in the extension host
 * (client/src/provisional.ts). Only for bundles that `require` nothing but Node's own modules and their own files.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { userCacheDir } from './user-cache.js';

/** After this long the first lint is normally done; the functions it compiled go into the cache too. */
const WRITE_AFTER_MS = 1500;
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Runs `bundle` (an absolute path) as a CommonJS module and returns its exports; `name` prefixes its cache file. */
export function loadWithCodeCache(bundle: string, name: string): unknown {
  const source = fs.readFileSync(bundle, 'utf8');
  const dir = path.join(userCacheDir(), 'code-cache');
  const key = createHash('sha256').update(process.version).update(process.arch).update(source).digest('hex').slice(0, 20);
  const file = path.join(dir, `${name}-${key}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper, on the bundle's first line, so positions in stack traces stay those of the bundle.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) setTimeout(() => void writeCache(script, dir, name, file), WRITE_AFTER_MS).unref();
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const mod: { exports: object; filename: string; id: string; loaded: boolean } = { exports: {}, filename: bundle, id: bundle, loaded: false };
  run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
  return mod.exports;
}

async function writeCache(script: vm.Script, dir: string, name: string, file: string): Promise<void> {
  // An unpredictable name, created exclusively (O_EXCL): a planted file or symbolic link at a guessable name in a
  // shared cache folder is never written through (issue 27).
  const tmp = `${file}.${randomBytes(12).toString('hex')}.tmp`;
  let created = false;
  const own = new RegExp(`^${name}-[0-9a-f]+\\.v8$`);
  try {
    const data = script.createCachedData();
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    // Caches of other versions (of the bundle or of Node) go after a week unused; the new one appears whole or not at all.
    for (const f of await fs.promises.readdir(dir)) {
      const other = path.join(dir, f);
      if (!own.test(f) || other === file) continue;
      const st = await fs.promises.stat(other).catch(() => undefined);
      if (st && Date.now() - st.atimeMs > PRUNE_AFTER_MS) await fs.promises.rm(other, { force: true });
    }
    await fs.promises.writeFile(tmp, data, { flag: 'wx', mode: 0o600 });
    created = true;
    await fs.promises.rename(tmp, file);
  } catch {
    // No cache this time: the next load compiles again.
    if (created) await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
  }
}
