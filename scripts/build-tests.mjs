// Compiles what the test scripts run, so a stale compiled test cannot run: `tsc -b`, then a stale-file check over
// out/. A compiled file whose source is gone (a renamed or deleted test) is deleted, so node --test cannot pick it
// up under its old name; a source whose compiled file is missing (tsc -b trusts its build info and does not
// re-emit a deleted output) forces one full rebuild.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out');
const ROOTS = ['client/src', 'common/src', 'server/src', 'test', 'bench'];
const tsc = (...args) =>
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...args], { cwd: root, stdio: 'inherit' });

function files(dir, ext) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}

// What tsconfig.json excludes under those roots (a test app with its own tsconfig): never compiled into out/.
const EXCLUDED = [join(root, 'test', 'docker', 'npm-app')];
const sources = ROOTS.flatMap((r) => files(join(root, r), '.ts').filter((f) => !f.endsWith('.d.ts') && !EXCLUDED.some((x) => f.startsWith(x + '/'))));
if (process.argv.includes('--transpile')) {
  // The unit tier's fast path: every source transpiled on its own (isolatedModules holds, so this is what tsc emits
  // minus the type check, which `npm run compile` and `npm run lint` do). Always all files: about a second.
  await esbuild.build({
    entryPoints: sources,
    outdir: out,
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
} else {
  tsc();
  const missing = sources.filter((s) => !existsSync(join(out, relative(root, s)).replace(/\.ts$/, '.js')));
  if (missing.length) {
    console.log(`build-tests: ${missing.length} compiled file(s) missing (e.g. ${relative(root, missing[0])}): full rebuild`);
    tsc('--force');
  }
}
let pruned = 0;
for (const r of ROOTS) {
  for (const js of files(join(out, r), '.js')) {
    const src = join(root, relative(out, js)).replace(/\.js$/, '.ts');
    if (existsSync(src)) continue;
    for (const f of [js, `${js}.map`, js.replace(/\.js$/, '.d.ts')]) rmSync(f, { force: true });
    console.log(`build-tests: removed ${relative(root, js)} (its source is gone)`);
    pruned++;
  }
}
if (pruned) console.log(`build-tests: ${pruned} stale compiled file(s) removed`);
