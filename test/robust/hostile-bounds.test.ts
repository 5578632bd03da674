/**
 * Issue 27: every analysis bounded by its input. A 694-byte file of doubling ENV values, a package index with
 * 200,000 required packages or 100,000 providers of one name, a gzip bomb, redirects elsewhere. Each check is a
 * growth ratio (cost per unit at n and 8n) or a budget far above what a bounded run needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { lintDetailed } from '../../server/src/engine/lint.js';
import { buildModel, expand, expandBounded, MAX_EXPANDED } from '../../server/src/kernel/model.js';
import { costlyShape } from '../../server/src/runner/costly-shape.js';
import { CompactIndex, IndexBuilder, IndexLimitError, INDEX_LIMITS } from '../../common/src/package-index/compact.js';
import { parseDebianPackages } from '../../common/src/package-index/deb-parse.js';
import { gunzipIndex, maxInflated, refusedRedirect } from '../../common/src/package-index/fetch.js';
import { resolveInstall } from '../../common/src/package-index/resolve.js';
import { provisionalDiagnostics } from '../../client/src/provisional-lint.js';
import { repoRoot } from '../helpers/paths.js';
import { buildCache, cacheFile, IndexStore } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { EXCERPT } from '../unit/packages-fixtures.js';

/** The reproduction: 28 lines that double one value (2^28 characters if expanded eagerly). */
export const DOUBLING = 'ENV En=${En-1}${En-1}\n'.repeat(28);
const doubling = (lines: number): string => 'FROM debian\nENV En=1\n' + 'ENV En=${En-1}${En-1}\n'.repeat(lines) + 'RUN echo $En > /x\n';

function ms(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

test('reproduction 1: expansion: a value past MAX_EXPANDED is unknown; work and memory stay bounded by the cap', () => {
  const env = new Map([['A', 'x'.repeat(MAX_EXPANDED)]]);
  assert.equal(expandBounded('$A$A', env), undefined);
  assert.equal(expand('$A$A', env), '$A$A', 'over the cap: the references stay as written (unknown)');
  assert.equal(expand('${B:-d}/$A', new Map()), 'd/$A');
  const model = buildModel(doubling(28));
  const last = model.instrs[model.instrs.length - 1];
  const en = last?.env.get('En') ?? '';
  assert.ok(en.length <= MAX_EXPANDED, `En holds ${en.length} characters`);
  assert.match(en, /\$\{?En/, 'a capped value reads as unknown (a reference)');
  // n and 8n lines: the time per line does not double with each line.
  lintDetailed(doubling(100), { dockerignoreExists: false });
  const a = ms(() => lintDetailed(doubling(100), { dockerignoreExists: false })) / 100;
  const b = ms(() => lintDetailed(doubling(800), { dockerignoreExists: false })) / 800;
  assert.ok(b <= 4 * Math.max(a, 0.05), `per line ${a.toFixed(3)} → ${b.toFixed(3)} ms`);
});

test('expansion: a long literal value is kept; many wide references share one allowance per file', () => {
  const literal = 'y'.repeat(3 * MAX_EXPANDED);
  const m = buildModel(`FROM debian\nENV L=${literal}\nENV M=$L\n`);
  assert.equal(m.instrs[1]?.env.get('L'), literal, 'as written, not an expansion');
  assert.equal(m.instrs[2]?.env.get('M'), '${M}', 'a copy over the cap is unknown');
  const wide = 'FROM debian\nENV A=' + 'a'.repeat(4000) + '\n' + Array.from({ length: 2000 }, (_, i) => `ENV B${i}=$A$A\n`).join('');
  const model = buildModel(wide);
  let held = 0;
  for (const [, v] of model.instrs[model.instrs.length - 1]?.env ?? []) held += v.length;
  // The allowance, one value past it, and the unknown markers (`${B123}`) after it.
  assert.ok(held <= 1024 * 1024 + 64 * wide.length + MAX_EXPANDED + 8 * 2000, `${held} characters of values for a ${wide.length}-character file`);
});

test('reproduction 1 (CLI): the CLI lints the 694-byte file in well under a second of work and a 96 MB heap', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-doubling-'));
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, 'FROM debian\nENV En=1\n' + DOUBLING);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=96', path.join(repoRoot, 'dist', 'cli.js'), 'lint', '--format=json', file], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const took = Date.now() - t0;
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  assert.ok(Array.isArray(JSON.parse(r.stdout)), 'JSON findings');
  assert.ok(took < 10_000, `${took} ms (was 13.8-16.8 s and 3.2-3.6 GB)`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('costly shapes go where a budget applies; the corpus-like files do not', () => {
  assert.equal(costlyShape('FROM debian\nRUN apt-get update && apt-get install -y curl\n'), false);
  assert.equal(costlyShape(doubling(28)), false, 'bounded by the cap: cheap anywhere');
  assert.equal(costlyShape('FROM debian\n' + 'ENV A=$A$A$A$A$A$A$A$A\n'.repeat(10)), true, 'many references in settings');
  assert.equal(costlyShape('FROM debian AS s0\n' + Array.from({ length: 100 }, (_, i) => `FROM s${i} AS s${i + 1}\n`).join('')), true, 'a long stage chain');
  assert.equal(costlyShape('RUN echo ' + '$x '.repeat(2000) + '\n'), true, 'many references');
  // The provisional linter (extension host) hands such a file to the server instead of linting it.
  const input = { uri: 'file:///w/Dockerfile', version: 1, settings: {}, folders: ['file:///w'] };
  assert.equal(
    provisionalDiagnostics({ ...input, text: 'FROM debian\n' + 'ENV A=$A$A$A$A$A$A$A$A\n'.repeat(10) }, () => assert.fail('linted here')),
    undefined,
  );
  assert.ok(Array.isArray(provisionalDiagnostics({ ...input, text: doubling(28) }, (t) => lintDetailed(t))));
});

/** A Packages text of `n` required packages in a dependency chain, or `n` providers of one virtual name. */
function required(n: number): string {
  return Array.from({ length: n }, (_, i) => `Package: r${i}\nPriority: required\nInstalled-Size: 1\nDepends: r${(i + 1) % n}\n`).join('\n');
}
function providers(n: number): string {
  return (
    `Package: user\nInstalled-Size: 1\nDepends: virt\n\n` +
    Array.from({ length: n }, (_, i) => `Package: p${i}\nInstalled-Size: 1\nProvides: virt\n`).join('\n')
  );
}
function build(text: string): CompactIndex {
  const b = new IndexBuilder('debian/bookworm');
  parseDebianPackages(text, b);
  return new CompactIndex(b.serialize(0, ['test']));
}

test('reproduction 4: resolution: linear in the packages it installs (a queue with a head, indexed providers)', () => {
  const chain = (n: number): string =>
    Array.from({ length: n }, (_, i) => `Package: c${i}\nInstalled-Size: 1\nDepends: c${i + 1}, v${i}\nProvides: v${i + 1}\n`).join('\n');
  const cost = (n: number): number => {
    const ix = build(chain(n));
    resolveInstall(ix, { packages: ['c0'], recommends: true }, new Set());
    return ms(() => assert.equal(resolveInstall(ix, { packages: ['c0'], recommends: true }, new Set()).added.length, n)) / n;
  };
  cost(500);
  const a = cost(800);
  const b = cost(6400);
  assert.ok(b <= 4 * Math.max(a, 0.0005), `per package ${a.toFixed(4)} → ${b.toFixed(4)} ms`);
});

test('reproduction 4: resolution: past its step budget a line has no estimate instead of a long wait', () => {
  const ix = build(providers(900));
  const r = resolveInstall(ix, { packages: ['user'], recommends: false }, new Set(), 100);
  assert.deepEqual(r.added, []);
  assert.deepEqual(r.unknown, ['user']);
  assert.equal(resolveInstall(ix, { packages: ['user'], recommends: false }, new Set()).added.length, 2);
});

test('reproduction 5: index limits: 200,000 required packages, 100,000 providers of one name, a 2 MB field are refused quickly', () => {
  for (const [what, text] of [
    ['required', required(INDEX_LIMITS.minimal + 1)],
    ['providers', providers(INDEX_LIMITS.providersPerName + 1)],
    ['field', `Package: a\nInstalled-Size: 1\nDepends: ${'b, '.repeat(INDEX_LIMITS.fieldChars)}\n`],
  ] as const) {
    const t = ms(() => assert.throws(() => build(text), IndexLimitError, what));
    assert.ok(t < 2000, `${what}: refused in ${t.toFixed(0)} ms`);
  }
  // A cache written past the limits (by an older version, or by hand) is not believed either.
  const ok = new IndexBuilder('debian/bookworm');
  parseDebianPackages(required(5), ok);
  const cache = ok.serialize(0, ['test']).replace('"count":5', `"count":${INDEX_LIMITS.packages + 1}`);
  assert.throws(() => new CompactIndex(cache), IndexLimitError);
});

test('reproduction 5: fetch: a gzip bomb is cut at a multiple of its compressed size; redirects stay on the host and on https', () => {
  const bomb = zlib.gzipSync(Buffer.alloc(24 * 1024 * 1024, 'a'), { level: 1 });
  assert.ok(maxInflated(bomb.length) < 24 * 1024 * 1024, `${bomb.length} bytes may inflate to ${maxInflated(bomb.length)}`);
  assert.throws(() => gunzipIndex(bomb, 'http://m/Packages.gz'), /corrupt or truncated gzip|buffer|length/i);
  const u = (s: string): URL => new URL(s);
  assert.equal(refusedRedirect(u('http://deb.debian.org/debian/x'), u('http://deb.debian.org/debian/y')), undefined);
  assert.equal(refusedRedirect(u('http://deb.debian.org/x'), u('https://deb.debian.org/x')), undefined);
  assert.match(refusedRedirect(u('http://deb.debian.org/x'), u('http://evil.example/x')) ?? '', /another host/);
  assert.match(refusedRedirect(u('https://deb.debian.org/x'), u('http://deb.debian.org/x')) ?? '', /https to plain http/);
  assert.match(refusedRedirect(u('http://deb.debian.org/x'), u('file:///etc/passwd')) ?? '', /unsupported scheme/);
});

test('reproduction 4: a chain of stages linted with a cached index is linear in stages (each stage starts where its parent ended)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-chain-'));
  try {
    const base = releaseOfImage('debian:bookworm');
    assert.ok(base);
    fs.writeFileSync(cacheFile(dir, base), buildCache(base, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
    const store = new IndexStore({ dir, offline: true, log: () => undefined });
    const packages = { version: 0, lookup: (b: Parameters<typeof store.cached>[0]) => store.cached(b) };
    const chain = (n: number): string =>
      'FROM debian:bookworm AS s0\n' +
      Array.from(
        { length: n },
        (_, i) => `FROM s${i} AS s${i + 1}\nRUN apt-get update && apt-get install -y curl libpsl5 && rm -rf /var/lib/apt/lists/*\n`,
      ).join('');
    const cost = (n: number): number => {
      let findings = 0;
      const t = ms(() => (findings = lintDetailed(chain(n), { packages }).length));
      assert.ok(findings >= n, `${findings} findings`);
      return t / n;
    };
    cost(25);
    const a = cost(50);
    const b = cost(400); // 40 KB: the 32 KB chain took 75 s, 63 KB over 300 s
    assert.ok(b <= 4 * Math.max(a, 0.5), `per stage ${a.toFixed(2)} → ${b.toFixed(2)} ms`);
    assert.ok(b * 400 < 20_000, `${(b * 400).toFixed(0)} ms for 400 stages`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('reproduction 5: a corrupt or oversized cache is discarded when read, not trusted for 7 days', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-badcache-'));
  try {
    const base = releaseOfImage('debian:bookworm');
    assert.ok(base);
    for (const body of ['dockerfile-slim-pkgindex/1\n{"release":"debian/bookworm","count":-1}\n', 'x'.repeat(INDEX_LIMITS.cacheBytes + 1)]) {
      fs.writeFileSync(cacheFile(dir, base), body);
      const logs: string[] = [];
      assert.equal(new IndexStore({ dir, offline: true, log: (l) => logs.push(l) }).cached(base), undefined);
      assert.match(logs[0] ?? '', /unreadable .*discarded/);
      assert.equal(fs.existsSync(cacheFile(dir, base)), false, 'deleted, so the next allowed fetch replaces it');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
