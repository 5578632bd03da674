/**
 * `node out/bench/libraries.js`: our hand-written tar reader and shell parser against the npm
 * libraries that could replace them (see docs/decisions.md, "Why hand-written"). The libraries
 * are not dependencies: install them outside the repo and point $DSL_BENCH_LIBS at that
 * node_modules, e.g.
 *   mkdir /tmp/libs && cd /tmp/libs && npm init -y && npm i tar-stream sh-syntax mvdan-sh bash-parser
 *   DSL_BENCH_LIBS=/tmp/libs/node_modules node out/bench/libraries.js
 * A missing library is skipped with a message. The tar part generates a ~200 MB archive of many
 * files in a temp dir (GNU tar, some long names), or reads $DSL_BENCH_TAR.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import * as esbuild from 'esbuild';
import { TarStream } from '../common/src/image-layers/tar-stream.js';
import { buildModel } from '../server/src/kernel/model.js';
import { parseShell } from '../server/src/kernel/shell/parser.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ROUNDS = 5;

function optional<T>(name: string): T | undefined {
  const dir = process.env.DSL_BENCH_LIBS;
  try {
    const req = createRequire(dir ? path.join(path.resolve(dir), 'index.js') : __filename);
    return req(name) as T;
  } catch {
    console.log(`  ${name}: not installed (set DSL_BENCH_LIBS to a node_modules holding it) — skipped`);
    return undefined;
  }
}

/** ~200 MB: 4,000 files in 40 dirs, sizes 0–100 KB (deterministic), every 10th with a >100-byte path. */
function makeTar(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-bench-tar-'));
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
  for (let i = 0; i < 4000; i++) {
    const dir = path.join(root, 'tree', `d${i % 40}`, ...(i % 10 === 0 ? ['a-rather-long-directory-name-'.repeat(3)] : []));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}.bin`), Buffer.alloc(Math.floor(rnd() * 100_000), i % 251));
  }
  const file = path.join(root, 'bench.tar');
  execFileSync('tar', ['-cf', file, '-C', root, 'tree']);
  fs.rmSync(path.join(root, 'tree'), { recursive: true });
  return file;
}

interface TarStreamLib {
  extract(): NodeJS.WritableStream & {
    on(ev: 'entry', fn: (h: unknown, s: Readable, next: () => void) => void): void;
    on(ev: 'finish' | 'error', fn: (e?: Error) => void): void;
  };
}

function ours(chunks: Buffer[]): number {
  let bytes = 0;
  const t = new TarStream(() => (c) => (bytes += c.length));
  for (const c of chunks) t.write(c);
  t.end();
  return bytes;
}

function theirs(lib: TarStreamLib, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const ex = lib.extract();
    ex.on('entry', (_h, s, next) => {
      s.on('data', (c: Buffer) => (bytes += c.length));
      s.on('end', next);
    });
    ex.on('finish', () => resolve(bytes));
    ex.on('error', reject);
    Readable.from(chunks).pipe(ex);
  });
}

async function benchTar(): Promise<void> {
  console.log('tar reader (in-memory archive fed in 64 KB chunks, interleaved rounds):');
  const file = process.env.DSL_BENCH_TAR ?? makeTar();
  const buf = fs.readFileSync(file);
  const chunks: Buffer[] = [];
  for (let o = 0; o < buf.length; o += 65536) chunks.push(buf.subarray(o, o + 65536));
  const lib = optional<TarStreamLib>('tar-stream');
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    const n1 = ours(chunks);
    a.push(performance.now() - t0);
    if (!lib) continue;
    t0 = performance.now();
    const n2 = await theirs(lib, chunks);
    b.push(performance.now() - t0);
    if (n1 !== n2) throw new Error(`readers disagree: ${n1} vs ${n2} bytes`);
  }
  const mb = buf.length / 1e6;
  console.log(`  archive ${mb.toFixed(0)} MB (${file})`);
  console.log(`  ours       median ${median(a).toFixed(0)} ms (${(mb / (median(a) / 1000)).toFixed(0)} MB/s)`);
  if (b.length) console.log(`  tar-stream median ${median(b).toFixed(0)} ms (${(mb / (median(b) / 1000)).toFixed(0)} MB/s)`);
  if (!process.env.DSL_BENCH_TAR) fs.rmSync(path.dirname(file), { recursive: true });
}

function runScripts(): string[] {
  const dir = process.env.DSL_BENCH_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    for (const i of buildModel(fs.readFileSync(path.join(dir, f), 'utf8')).instrs) {
      if (i.run && i.run.form !== 'exec') out.push(i.run.script.src);
    }
  }
  return out;
}

/** Bytes a library adds to a bundle: esbuild (minified, node20, cjs) of a one-line entry importing it. */
function bundleSizes(): void {
  console.log('bundle size (esbuild --bundle --minify, one-line entry; raw / gzip -9 bytes):');
  const dir = process.env.DSL_BENCH_LIBS ? path.resolve(process.env.DSL_BENCH_LIBS, '..') : undefined;
  const repo = path.resolve(__dirname, '..', '..');
  const entries: [string, string, string | undefined][] = [
    ['ours: tar-stream.ts', `export { TarStream } from './common/src/image-layers/tar-stream';`, repo],
    ['ours: shell lexer+parser', `export { parseShell } from './server/src/kernel/shell/parser';`, repo],
    ['tar-stream', `module.exports = require('tar-stream').extract;`, dir],
    ['sh-syntax (+ main.wasm, separate file)', `module.exports = require('sh-syntax').parse;`, dir],
    ['mvdan-sh', `module.exports = require('mvdan-sh').syntax.NewParser;`, dir],
    ['bash-parser', `module.exports = require('bash-parser');`, dir],
  ];
  for (const [name, contents, resolveDir] of entries) {
    if (!resolveDir) continue;
    try {
      const r = esbuild.buildSync({
        stdin: { contents, resolveDir, loader: 'ts' },
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        write: false,
        logLevel: 'silent',
      });
      const bytes = r.outputFiles[0]?.contents ?? new Uint8Array();
      console.log(`  ${name.padEnd(40)} ${String(bytes.length).padStart(8)} / ${zlib.gzipSync(bytes, { level: 9 }).length}`);
    } catch {
      console.log(`  ${name}: not installed — skipped`);
    }
  }
}

type Parse = (src: string) => unknown;

async function timeAll(parse: Parse, scripts: string[]): Promise<{ ms: number; failed: number }> {
  let failed = 0;
  const t0 = performance.now();
  for (const s of scripts) {
    try {
      await parse(s);
    } catch {
      failed++;
    }
  }
  return { ms: performance.now() - t0, failed };
}

async function benchShell(): Promise<void> {
  console.log('shell parser (all RUN scripts of the corpus, one pass per round, interleaved):');
  const scripts = runScripts();
  if (!scripts.length) return console.log('  corpus not found (set DSL_BENCH_CORPUS) — skipped');
  const chars = scripts.reduce((n, s) => n + s.length, 0);
  console.log(`  ${scripts.length} scripts, ${(chars / 1000).toFixed(0)} KB`);
  const parsers: [string, Parse][] = [['ours (sync)', parseShell]];
  const bp = optional<(s: string, o?: object) => unknown>('bash-parser');
  if (bp) parsers.push(['bash-parser (sync)', (s) => bp(s, { insertLOC: true })]);
  const mv = optional<{ syntax: { NewParser(): { Parse(s: string, n: string): unknown } } }>('mvdan-sh');
  if (mv) parsers.push(['mvdan-sh (sync)', (s) => mv.syntax.NewParser().Parse(s, 'run')]);
  const ss = optional<{ parse(s: string): Promise<unknown> }>('sh-syntax');
  if (ss) parsers.push(['sh-syntax (async)', (s) => ss.parse(s)]);
  const times = parsers.map(() => [] as number[]);
  const failed = parsers.map(() => 0);
  for (let r = 0; r < 3; r++) {
    for (const [k, [, p]] of parsers.entries()) {
      const res = await timeAll(p, scripts);
      times[k]?.push(res.ms);
      failed[k] = res.failed;
    }
  }
  for (const [k, [name]] of parsers.entries()) {
    const m = median(times[k] ?? []);
    console.log(`  ${name.padEnd(20)} median ${m.toFixed(1)} ms, ${((m * 1000) / scripts.length).toFixed(1)} µs/script, ${failed[k]} rejected`);
  }
}

async function main(): Promise<void> {
  bundleSizes();
  await benchShell();
  await benchTar();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
