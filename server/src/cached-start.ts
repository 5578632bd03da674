/**
 * Starts the language server (dist/server.js, next to this file) from a V8 code cache: the bytecode of the
 * functions the last start compiled (loading the bundle and the first lint), kept in the user's cache folder
 * under a hash of the bundle and the Node version. Measured on the 2-core test machine: the first diagnostics
 * of a fresh server 25-30% sooner. Without a usable cache (first start, new version, unreadable or unwritable
 * folder, V8 rejecting the data) the bundle is compiled as usual and a cache is written 1.5 s later.
 * The editor extension starts this file; `node dist/server.js --stdio` stays the plain entry for other clients.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { lowerThisThreadPriority } from './thread-priority.js';
import { userCacheDir } from '../../common/src/platform/user-cache.js';

/** After this long the first lint is normally done; the functions it compiled go into the cache too. */
const WRITE_AFTER_MS = 1500;
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

function start(): void {
  const bundle = path.join(__dirname, 'server.js');
  const source = fs.readFileSync(bundle, 'utf8');
  const dir = path.join(userCacheDir(), 'code-cache');
  const key = createHash('sha256').update(process.version).update(process.arch).update(source).digest('hex').slice(0, 20);
  const file = path.join(dir, `server-${key}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper, on the bundle's first line, so positions in stack traces stay those of server.js.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) setTimeout(() => void writeCache(script, dir, file), WRITE_AFTER_MS).unref();
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const mod = { exports: {}, filename: bundle, id: bundle, loaded: false };
  run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, __dirname);
}

async function writeCache(script: vm.Script, dir: string, file: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const data = script.createCachedData();
    await fs.promises.mkdir(dir, { recursive: true });
    // Caches of other versions (of the bundle or of Node) go after a week unused; the new one appears whole or not at all.
    for (const f of await fs.promises.readdir(dir)) {
      const other = path.join(dir, f);
      if (!/^server-[0-9a-f]+\.v8$/.test(f) || other === file) continue;
      const st = await fs.promises.stat(other).catch(() => undefined);
      if (st && Date.now() - st.atimeMs > PRUNE_AFTER_MS) await fs.promises.rm(other, { force: true });
    }
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch {
    // No cache this time: the next start compiles again.
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
  }
}

// In the extension host's worker thread, the server starts while VS Code is still opening the editor: both want
// the CPU at once, and the editor should win (measured: the editor appeared 0.4-0.9 s later at normal priority).
if (!isMainThread) lowerThisThreadPriority();
start();
