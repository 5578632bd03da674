// Mutation testing, our own and small: `node scripts/mutate.mjs [--per-file N] [--seed S] [--only substr]`.
// For each target (a compiled module in out/ and the unit tests that cover it), it lists the mutation sites
// (flipped comparisons and logic, a dropped `!`, an `if` forced true or false, a changed number, a flipped
// boolean return), takes a seeded sample of N per file, and for each: writes the mutant over the compiled file,
// checks it parses (`node --check`; a mutant that does not compile is not counted), runs the covering tests with a
// time limit, and restores the file. A mutant is killed when a test fails or times out. Needs `npm run compile`
// first. Prints each survivor with its place; docs/mutation-testing.md records the run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    'per-file': { type: 'string', default: '4' },
    seed: { type: 'string', default: '28' },
    only: { type: 'string' },
    timeout: { type: 'string', default: '180' },
  },
});
const U = (f) => `out/test/unit/${f}.test.js`;
const ENGINE_TESTS = [U('rules'), U('regressions'), U('fix-safety')];

/** [area, compiled module (from out/), covering tests]. */
/** @type {[string, string, string[]][]} */
export const TARGETS = [
  ['engine', 'server/src/kernel/suppress.js', [U('suppress'), U('rules')]],
  ['engine', 'server/src/kernel/edits.js', ENGINE_TESTS],
  ['engine', 'server/src/kernel/commands.js', ENGINE_TESTS],
  ['engine', 'server/src/kernel/env.js', [U('env'), U('rules')]],
  ['engine', 'server/src/kernel/text.js', ENGINE_TESTS],
  ['engine', 'server/src/kernel/rule.js', [U('rule-knowledge'), U('rules')]],
  ['engine', 'server/src/analysis/run-views.js', ENGINE_TESTS],
  ['engine', 'server/src/analysis/cleanup-origins.js', ENGINE_TESTS],
  ['engine', 'server/src/analysis/package-managers/manager-commands.js', ENGINE_TESTS],
  ['engine', 'server/src/rules/apt-lists-kept.js', ENGINE_TESTS],
  ['engine', 'server/src/rules/apk-cache-kept.js', ENGINE_TESTS],
  ['engine', 'server/src/rules/pip-cache-kept.js', ENGINE_TESTS],
  ['engine', 'server/src/rules/consecutive-runs.js', [...ENGINE_TESTS, U('merge')]],
  ['engine', 'server/src/rules/go-binary-unstripped.js', ENGINE_TESTS],
  ['engine', 'server/src/rules/cleanup-in-later-layer.js', ENGINE_TESTS],
  ['engine', 'server/src/engine/lint.js', [...ENGINE_TESTS, U('rule-knowledge')]],
  ['engine', 'server/src/engine/fix-groups.js', [U('fix-groups')]],
  ['conversion', 'server/src/conversion/convert-c.js', [U('multi-stage-c'), U('multi-stage-real-files'), U('rules')]],
  ['conversion', 'server/src/conversion/c-after-install.js', [U('multi-stage-c'), U('multi-stage-real-files')]],
  ['layers', 'common/src/image-layers/wasted.js', [U('layers-attribute'), U('layers-image-tar')]],
  ['layers', 'common/src/image-layers/layer-waste.js', [U('layers-attribute'), U('layers-image-tar'), U('measured-savings')]],
  ['layers', 'common/src/image-layers/format.js', [U('layers-attribute'), U('lens-words'), U('layers-cli')]],
  ['layers', 'common/src/image-layers/measured.js', [U('measured-savings'), U('layers-image-tar')]],
  ['adapters', 'server/src/lsp/action-helpers.js', [U('code-actions-editor')]],
  ['adapters', 'server/src/lsp/diagnostic-shaping.js', [U('diagnostic-shaping')]],
  ['adapters', 'server/src/lsp/measured-savings.js', [U('measured-savings')]],
  ['adapters', 'server/src/lsp/settings.js', [U('contributions'), U('packages-server')]],
];

/** Mutation operators: a regex over one line of compiled JS and what each match becomes. */
/** @type {[string, RegExp, (m: string) => string][]} */
const OPS = [
  ['=== → !==', /===/g, () => '!=='],
  ['!== → ===', /!==/g, () => '==='],
  ['< → <=', /(?<![<=])<(?![<=])/g, () => '<='],
  ['<= → <', /<=/g, () => '<'],
  ['> → >=', /(?<![=>-])>(?![>=])/g, () => '>='],
  ['>= → >', />=/g, () => '>'],
  ['&& → ||', /&&/g, () => '||'],
  ['|| → &&', /\|\|(?!=)/g, () => '&&'],
  ['drop !', /!(?=[A-Za-z_(])/g, () => ''],
  ['if → true', /\bif \(/g, () => 'if (true || '],
  ['if → false', /\bif \(/g, () => 'if (false && '],
  ['n → n+1', /(?<![\w.]|void |\()(\d+)(?![\w.])/g, (m) => String(Number(m) + 1)], // not `void 0` or `(0, f)(…)` (tsc's idioms)
  ['return true ↔ false', /\breturn (true|false)\b/g, (m) => (m.endsWith('true') ? 'return false' : 'return true')],
];

function sites(code) {
  const out = [];
  code.split('\n').forEach((line, ln) => {
    const t = line.trim();
    if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || t.startsWith('import ') || /require\(/.test(t) || t.startsWith('"use strict"')) return;
    for (const [name, re, to] of OPS) {
      for (const m of line.matchAll(re)) {
        // Skip matches inside string or regex literals (a rough check: an odd number of quotes before it).
        const before = line.slice(0, m.index);
        if (
          (before.match(/'/g)?.length ?? 0) % 2 ||
          (before.match(/"/g)?.length ?? 0) % 2 ||
          (before.match(/`/g)?.length ?? 0) % 2 ||
          /\/[^/ ]*$/.test(before.replace(/\/\/.*$/, ''))
        ) {
          continue;
        }
        out.push({ name, ln, col: m.index, len: m[0].length, text: to(m[0]) });
      }
    }
  });
  return out;
}

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function sample(list, n, rand) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n).sort((x, y) => x.ln - y.ln || x.col - y.col);
}

// Put back any original a killed run left behind.
for (const [, mod] of TARGETS) {
  const file = join(root, 'out', mod);
  if (existsSync(`${file}.orig`)) {
    writeFileSync(file, readFileSync(`${file}.orig`));
    rmSync(`${file}.orig`);
    console.log(`restored ${mod} from a killed run`);
  }
}
const results = [];
const rand = rng(Number(opts.seed));
let current;
const restore = () => current && writeFileSync(current.file, current.code);
// Test runs are synchronous: a signal cannot restore the file in time, so a killed run leaves `<file>.orig` instead.
for (const [area, mod, tests] of TARGETS) {
  if (opts.only && !mod.includes(opts.only)) continue;
  const file = join(root, 'out', mod);
  const code = readFileSync(file, 'utf8');
  const picked = sample(sites(code), Number(opts['per-file']), rand);
  for (const s of picked) {
    const lines = code.split('\n');
    const line = lines[s.ln];
    lines[s.ln] = line.slice(0, s.col) + s.text + line.slice(s.col + s.len);
    current = { file, code };
    try {
      writeFileSync(`${file}.orig`, code); // a killed run leaves it: the next run puts it back first
      writeFileSync(file, lines.join('\n'));
      if (spawnSync(process.execPath, ['--check', file]).status !== 0) {
        results.push({ area, mod, ...s, status: 'invalid' });
        continue;
      }
      const t0 = Date.now();
      // One test file at a time, stopping at the first that fails (most mutants die in the first file).
      let status = 'SURVIVED';
      for (const t of tests) {
        const r = spawnSync(process.execPath, ['--test', t], { cwd: root, timeout: Number(opts.timeout) * 1000, stdio: 'ignore' });
        if (r.error || r.status !== 0) {
          status = r.error ? 'killed (timeout)' : `killed by ${t.replace(/^out\/test\/unit\//, '')}`;
          break;
        }
      }
      results.push({ area, mod, ...s, status, secs: Math.round((Date.now() - t0) / 1000), line: line.trim().slice(0, 140) });
      console.log(`${status.padEnd(30)} ${mod}:${s.ln + 1} ${s.name}  ${line.trim().slice(0, 100)}`);
    } finally {
      restore();
      rmSync(`${file}.orig`, { force: true });
      current = undefined;
    }
  }
}
const counted = results.filter((r) => r.status !== 'invalid');
const byArea = {};
for (const r of counted) {
  const a = (byArea[r.area] ??= { killed: 0, total: 0 });
  a.total++;
  if (r.status !== 'SURVIVED') a.killed++;
}
console.log('\narea      killed/total  rate');
for (const [a, v] of Object.entries(byArea)) {
  console.log(`${a.padEnd(9)} ${`${v.killed}/${v.total}`.padStart(12)}  ${((100 * v.killed) / v.total).toFixed(0)}%`);
}
console.log(`invalid (not counted): ${results.length - counted.length}`);
for (const r of counted.filter((x) => x.status === 'SURVIVED')) console.log(`survivor: ${r.mod}:${r.ln + 1} ${r.name}: ${r.line}`);
