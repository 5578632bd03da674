// `npm run test:ui`: every UI script in test/ui (*-ui.mjs), one after the other (each starts its own code-server),
// so a new UI script runs without editing package.json. Fails when any fails; prints a one-line summary per script.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../test/ui/', import.meta.url));
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('-ui.mjs'))
  .sort();
if (scripts.length === 0) throw new Error(`no *-ui.mjs in ${dir}`);
const results = scripts.map((f) => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(dir, f), ...process.argv.slice(2)], { stdio: 'inherit' });
  return { f, ok: r.status === 0, s: ((Date.now() - t0) / 1000).toFixed(0) };
});
for (const r of results) console.log(`${r.ok ? 'ok' : 'FAILED'}  test/ui/${r.f} (${r.s} s)`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
