/**
 * `npm run bench`: our engine against dockerfile-utils' validate (the linter behind the Docker
 * language server), in one process, alternating call by call, each call on a text it has never
 * seen. Then the server's incremental re-lint after one-line edits of the 20k-line file.
 * Writes the tables to stdout and the numbers to out/bench/results.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { lintDetailed } from '../server/src/engine/lint.js';
import type { LintOptions } from '../server/src/kernel/types.js';
import { IncrementalLinter } from '../server/src/runner/incremental.js';
import { fresh, lineCount, loadCorpus, mb, ms, partition, repoRoot, stats, stressFile, stressParts, table } from './workloads.js';

/** Every rule on: DS012 only reports when told there is no .dockerignore. */
const ALL_ON: LintOptions = { dockerignoreExists: false };
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

type Fn = (text: string) => unknown;
const ours: Fn = (t) => lintDetailed(t, ALL_ON);
const theirs: Fn = (t) => validate(t);

function timeOne(fn: Fn, text: string): number {
  const t = fresh(text);
  const t0 = performance.now();
  fn(t);
  return performance.now() - t0;
}

interface Side {
  samples: number[];
  passes: number[];
  heap: number;
  rss: number;
}

/** Runs `rounds` passes over the texts, ours and theirs alternating per text. */
function compare(texts: readonly string[], rounds: number): { ours: Side; theirs: Side } {
  const sides = { ours: { samples: [], passes: [], heap: 0, rss: 0 } as Side, theirs: { samples: [], passes: [], heap: 0, rss: 0 } as Side };
  for (const t of texts.slice(0, 20)) {
    ours(fresh(t)); // warm-up
    theirs(fresh(t));
  }
  for (let r = 0; r < rounds; r++) {
    const pass = { ours: 0, theirs: 0 };
    for (const t of texts) {
      const order: ['ours' | 'theirs', Fn][] =
        r % 2 === 0
          ? [
              ['ours', ours],
              ['theirs', theirs],
            ]
          : [
              ['theirs', theirs],
              ['ours', ours],
            ];
      for (const [name, fn] of order) {
        const d = timeOne(fn, t);
        sides[name].samples.push(d);
        pass[name] += d;
      }
    }
    sides.ours.passes.push(pass.ours);
    sides.theirs.passes.push(pass.theirs);
  }
  // Memory: growth of heap and rss over one pass of each, measured apart after a GC.
  for (const [name, fn] of [
    ['ours', ours],
    ['theirs', theirs],
  ] as const) {
    gc();
    const m0 = process.memoryUsage();
    const keep: unknown[] = [];
    for (const t of texts) keep.push(fn(fresh(t)));
    const m1 = process.memoryUsage();
    sides[name].heap = Math.max(0, m1.heapUsed - m0.heapUsed);
    sides[name].rss = Math.max(0, m1.rss - m0.rss);
    keep.length = 0;
  }
  return sides;
}

const corpus = loadCorpus();
const workloads: { name: string; texts: string[]; rounds: number; lines: number }[] = [
  { name: `corpus (${corpus.length} files)`, texts: corpus.map((f) => f.text), rounds: 5, lines: corpus.reduce((a, f) => a + lineCount(f.text), 0) },
];
for (const [n, rounds] of [
  [1000, 40],
  [5000, 12],
  [20000, 6],
  [50000, 3],
] as const) {
  const t = stressFile(corpus, n);
  workloads.push({ name: `stress ${n / 1000}k`, texts: [t], rounds, lines: lineCount(t) });
}

const load0 = os.loadavg();
console.log(
  `Node ${process.version}; ${os.cpus().length} CPUs, load average ${load0.map((l) => l.toFixed(1)).join(' / ')} at the start; every rule on; each call on a text it has not seen; ours/theirs alternate.\n`,
);
const rows: string[][] = [];
const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString(), workloads: [] };
for (const w of workloads) {
  const r = compare(w.texts, w.rounds);
  const o = stats(r.ours.samples);
  const t = stats(r.theirs.samples);
  const passO = stats(r.ours.passes).p50;
  const passT = stats(r.theirs.passes).p50;
  const row = {
    name: w.name,
    lines: w.lines,
    oursPass: passO,
    theirsPass: passT,
    ratio: passO / passT,
    ours: o,
    theirs: t,
    perKLines: passO / (w.lines / 1000),
    mem: { oursHeap: r.ours.heap, oursRss: r.ours.rss, theirsHeap: r.theirs.heap, theirsRss: r.theirs.rss },
  };
  (results.workloads as unknown[]).push(row);
  rows.push([
    w.name,
    String(w.lines),
    ms(passO),
    ms(passT),
    row.ratio.toFixed(2),
    `${ms(o.p50)} / ${ms(o.p95)}`,
    `${ms(t.p50)} / ${ms(t.p95)}`,
    ms(row.perKLines),
    `${mb(r.ours.heap)} / ${mb(r.ours.rss)}`,
    `${mb(r.theirs.heap)} / ${mb(r.theirs.rss)}`,
  ]);
  console.log(`  done: ${w.name}`);
}
console.log(
  `\n${table(['workload', 'lines', 'ours ms', 'theirs ms', 'ours/theirs', 'ours p50/p95 per file', 'theirs p50/p95 per file', 'ours ms per 1k lines', 'ours heap / rss Δ', 'theirs heap / rss Δ'], rows)}\n`,
);

// Incremental: one-line edits of the 20k-line file through the server's IncrementalLinter.
const big = stressFile(corpus, 20000);
const lines = big.split('\n');
const linter = new IncrementalLinter();
let cold = performance.now();
linter.lint('bench', big, {});
cold = performance.now() - cold;
const edits = { type: [] as number[], insert: [] as number[], delete: [] as number[] };
let text = big;
let mismatches = 0;
// Edits on single-line RUNs (deleting a heredoc's terminator would make the rest of the file one chunk, as Docker reads it).
const runLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^RUN /.test(l) && !/[\\`]\s*$/.test(l) && !l.includes('<<'));
for (let k = 0; k < 60; k++) {
  const [, at] = runLines[(k * 7919) % runLines.length] as readonly [string, number];
  const cur = text.split('\n');
  const kind = (['type', 'insert', 'delete'] as const)[k % 3] ?? 'type';
  if (kind === 'type') cur[at] = `${cur[at] ?? ''} x`;
  else if (kind === 'insert') cur.splice(at, 0, 'RUN echo inserted');
  else cur.splice(at, 1);
  text = cur.join('\n');
  const t0 = performance.now();
  const got = linter.lint('bench', text, {});
  edits[kind].push(performance.now() - t0);
  if (k % 10 === 0 && JSON.stringify(got) !== JSON.stringify(lintDetailed(text, {}))) mismatches++;
}
const all = stats([...edits.type, ...edits.insert, ...edits.delete]);
const incRows = (Object.keys(edits) as (keyof typeof edits)[]).map((k) => {
  const s = stats(edits[k]);
  return [k, String(edits[k].length), ms(s.p50), ms(s.p95)];
});
incRows.push(['all', String(all.total > 0 ? 60 : 0), ms(all.p50), ms(all.p95)]);
console.log(
  `Incremental re-lint of the ${lines.length}-line file after a one-line edit (first lint ${ms(cold)} ms; ${JSON.stringify(linter.stats)}; mismatches vs full lint: ${mismatches}):\n`,
);
console.log(`${table(['edit', 'n', 'p50 ms', 'p95 ms'], incRows)}\n`);
results.incremental = {
  lines: lines.length,
  cold,
  p50: all.p50,
  p95: all.p95,
  byKind: Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, stats(v)])),
  stats: linter.stats,
  mismatches,
};

/**
 * Cost per 1k lines as files grow, on the same content: the 50k-line stress file's corpus files cut
 * into files of about 1k, 5k, 20k lines (or left whole). Each pass lints every set once on fresh texts
 * after a full GC (so every set covers the same 51k lines and counts its own garbage collection); the
 * sets take turns within a pass, in a rotating order, so drifting machine load does not favour one size.
 */
function timeSet(files: readonly string[]): number {
  const texts = files.map((f) => fresh(f));
  gc();
  const t0 = performance.now();
  for (const x of texts) ours(x);
  return performance.now() - t0;
}
const parts50k = stressParts(corpus, 50000);
const sets = [1000, 5000, 20000, 50000].map((n) => ({ n, files: partition(parts50k, n), passes: [] as number[] }));
const SUSTAINED_PASSES = 7;
for (let p = 0; p < SUSTAINED_PASSES; p++) {
  for (let i = 0; i < sets.length; i++) {
    const set = sets[(i + p) % sets.length];
    if (set) set.passes.push(timeSet(set.files));
  }
}
const sizes = sets.map((x) => ({
  n: x.n,
  files: x.files.length,
  perKLines: stats(x.passes).p50 / (x.files.reduce((a, f) => a + lineCount(f), 0) / 1000),
}));
results.sustained = sizes;
console.log(
  `Ours per 1k lines on the same 51k lines cut into files of about 1k / 5k / 20k / 50k lines (${sizes.map((x) => x.files).join(' / ')} files; GC counted): ${sizes.map((x) => ms(x.perKLines)).join(' / ')} ms\n`,
);

const wl = results.workloads as { name: string; ratio: number; perKLines: number }[];
const stress = wl.filter((w) => w.name.startsWith('stress'));
const spreadOf = (xs: readonly { perKLines: number }[]): number => Math.max(...xs.map((w) => w.perKLines)) / Math.min(...xs.map((w) => w.perKLines));
const spread = spreadOf(sizes);
results.scalingSpread = spread;
results.perCallSpread = spreadOf(stress);
const check = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const c = wl[0] as { ratio: number };
const b20 = wl.find((w) => w.name === 'stress 20k') as { ratio: number };
results.load = { start: load0, end: os.loadavg() };
console.log(
  `Summary (load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}):`,
);
console.log(`  corpus ratio ours/theirs ${c.ratio.toFixed(2)} (target ≤ 0.9: ${check(c.ratio <= 0.9)})`);
console.log(`  20k-line ratio ours/theirs ${b20.ratio.toFixed(2)} (target ≤ 0.5: ${check(b20.ratio <= 0.5)})`);
console.log(
  `  incremental one-line edit, 20k lines: p50 ${ms(all.p50)} ms, p95 ${ms(all.p95)} ms (target < 50 ms: ${check(all.p95 < 50)}), identical to full lint: ${mismatches === 0 ? 'yes' : 'NO'}`,
);
console.log(
  `  ms per 1k lines, same content in files of 1k/5k/20k/50k lines, GC counted: ${sizes.map((w) => ms(w.perKLines)).join(' / ')} (spread ${spread.toFixed(2)}×, target ≤ 1.5×: ${check(spread <= 1.5)})`,
);
console.log(
  `  single timed calls on the stress files above (different content; a small call's garbage is collected later): ${stress.map((w) => ms(w.perKLines)).join(' / ')} (spread ${spreadOf(stress).toFixed(2)}×)`,
);
fs.writeFileSync(path.join(repoRoot, 'out', 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
