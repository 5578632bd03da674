/**
 * `npm run bench` (package knowledge): parse the full Debian bookworm main index, load its
 * compact cache (time and heap), resolve typical install lines. The index is downloaded once
 * into .cache/bench (network), or taken from $DSL_BENCH_PACKAGES (a decompressed Packages file).
 * Targets: parse ≤ 3 s, load ≤ 150 ms and ≤ 40 MB heap, resolve ≤ 5 ms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompactIndex, IndexBuilder } from '../common/src/package-index/compact.js';
import { parseDebianPackages } from '../common/src/package-index/deb-parse.js';
import { fetchGzipText } from '../common/src/package-index/fetch.js';
import { baseSet } from '../common/src/package-index/base-set.js';
import { resolveInstall } from '../common/src/package-index/resolve.js';

const repoRoot = path.resolve(__dirname, '..', '..');
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function indexText(): Promise<string> {
  const env = process.env.DSL_BENCH_PACKAGES;
  if (env) return fs.readFileSync(env, 'utf8');
  const file = path.join(repoRoot, '.cache', 'bench', 'debian-bookworm-main-amd64.Packages');
  if (!fs.existsSync(file)) {
    console.error('bench: downloading the bookworm main index (about 12 MB)…');
    const text = await fetchGzipText('http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.gz');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return fs.readFileSync(file, 'utf8');
}

async function main(): Promise<void> {
  const text = await indexText();
  const parse: number[] = [];
  const parseCpu: number[] = [];
  let cache = '';
  let count = 0;
  for (let i = 0; i < 3; i++) {
    gc();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const b = new IndexBuilder('debian/bookworm');
    count = parseDebianPackages(text, b);
    cache = b.serialize(Date.now(), ['bench']);
    parse.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    parseCpu.push((c.user + c.system) / 1000);
  }
  const file = path.join(repoRoot, '.cache', 'bench', 'debian-bookworm.pkgindex');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, cache);
  const load: number[] = [];
  const loadCpu: number[] = [];
  const heap: number[] = [];
  let idx: CompactIndex | undefined;
  for (let i = 0; i < 7; i++) {
    idx = undefined;
    gc();
    const m0 = process.memoryUsage();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    idx = new CompactIndex(fs.readFileSync(file, 'utf8'));
    load.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    loadCpu.push((c.user + c.system) / 1000);
    gc();
    // Large strings read from a file live outside the JS heap (external): count both.
    const m1 = process.memoryUsage();
    heap.push(m1.heapUsed + m1.external - m0.heapUsed - m0.external);
  }
  if (!idx) throw new Error('no index');
  const base = baseSet(idx, 'minbase');
  const lines: Array<[string, string[], boolean]> = [
    ['curl (recommends)', ['curl'], true],
    ['python3-pip (recommends)', ['python3-pip'], true],
    ['build-essential git curl ca-certificates (--no-install-recommends)', ['build-essential', 'git', 'curl', 'ca-certificates'], false],
  ];
  const rows: string[] = [];
  for (const [label, pkgs, recommends] of lines) {
    const cold = new CompactIndex(fs.readFileSync(file, 'utf8'));
    const coldBase = baseSet(cold, 'minbase');
    let t0 = performance.now();
    const r = resolveInstall(cold, { packages: pkgs, recommends }, coldBase);
    const coldMs = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      t0 = performance.now();
      resolveInstall(idx, { packages: pkgs, recommends }, base);
      warm.push(performance.now() - t0);
    }
    rows.push(
      `| resolve ${label} | ${r.added.length} packages, ${(r.bytes / 1e6).toFixed(1)} MB | ${coldMs.toFixed(2)} ms first / ${median(warm).toFixed(2)} ms warm | ≤ 5 ms |`,
    );
  }
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  console.log(`\n### Package index (Debian bookworm main, ${count} packages, ${mb(text.length)} MB text → ${mb(cache.length)} MB cache)\n`);
  console.log('| step | size | measured (median wall; CPU time) | target |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| parse Packages + build the compact cache | ${count} packages | ${median(parse).toFixed(0)} ms; CPU ${median(parseCpu).toFixed(0)} ms | ≤ 3000 ms |`,
  );
  console.log(
    `| load the compact cache | ${mb(cache.length)} MB file | ${median(load).toFixed(1)} ms; CPU ${median(loadCpu).toFixed(1)} ms; ${mb(median(heap))} MB heap + external | ≤ 150 ms, ≤ 40 MB |`,
  );
  for (const r of rows) console.log(r);
}

void main();
