/**
 * Issue 27 (item 4: "on a 4.9 MB file the estimate CodeLens request took 24.5 s and a hover 29 s on the server's main
 * thread"): the server's package hover and estimates run in package workers under the lint's budget
 * (server/src/lsp/package-pool.ts). The answers are the ones computed on the calling thread; a 4.9 MB file of install
 * stages, or a hostile cached index (1,000 providers of one name, every install line asking for it), goes over the
 * budget in its own worker while the calling thread's event loop stays free and another document's hover is answered;
 * and through the real server, a hover on a small document is answered while the 4.9 MB estimates run.
 */
import { test } from 'node:test';
import { loopDelay } from '../helpers/loop-timing.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { buildCache, cacheFile } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { PackageKnowledge } from '../../server/src/lsp/package-features.js';
import { PackagePool } from '../../server/src/lsp/package-pool.js';
import { INDEX_LIMITS } from '../../common/src/package-index/compact.js';
import { ESTIMATES_REQUEST } from '../../common/src/protocol.js';
import { LspClient } from '../helpers/lsp-client.js';
import { EXCERPT } from '../unit/packages-fixtures.js';

const STAGE = 'FROM debian:bookworm AS s\nRUN apt-get update && apt-get install -y curl libpsl5 && rm -rf /var/lib/apt/lists/*\n';
const SMALL = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y libpsl5 curl && rm -rf /var/lib/apt/lists/*\n';
/** The 4.9 MB file: install stages up to 4.9 MB (about 45,000 RUN lines to estimate). */
const BIG = STAGE.repeat(Math.ceil((4.9 * 1024 * 1024) / STAGE.length));

function indexDir(packagesText = fs.readFileSync(EXCERPT, 'utf8')): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-pkgpool-'));
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  fs.writeFileSync(cacheFile(dir, base), buildCache(base, [packagesText], ['test'], Date.now()));
  return dir;
}

test('package worker: the same estimates and hovers as on the calling thread', async (t) => {
  const dir = indexDir();
  const pool = new PackagePool();
  t.after(() => {
    pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const here = new PackageKnowledge(
    dir,
    () => undefined,
    () => undefined,
    true,
  );
  const text = STAGE.repeat(40);
  const got = await pool.estimates(dir, 'file:///a/Dockerfile', text);
  assert.deepEqual(got, { kind: 'done', value: here.estimates(text) });
  assert.equal(got.kind === 'done' && got.value.runs.length, 40);
  const doc = TextDocument.create('file:///a/Dockerfile', 'dockerfile', 1, SMALL);
  for (const [line, character] of [
    [1, 50], // on "libpsl5": the package hover
    [1, 2], // on RUN: the estimate of the line
  ] as const) {
    const want = here.hover(doc, line, character);
    assert.ok(want, 'a hover on the calling thread');
    assert.deepEqual(await pool.hover(dir, doc.uri, SMALL, line, character), { kind: 'done', value: want });
  }
});

test('reproduction 4: package worker: a 4.9 MB file goes over the budget in its own worker; the caller and other documents are not held', async (t) => {
  const dir = indexDir();
  const pool = new PackagePool({ timeMs: 10_000, heapMb: 1024 });
  t.after(() => {
    pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await pool.hover(dir, 'file:///small/Dockerfile', SMALL, 1, 50); // the shared worker, warm
  const alone = performance.now();
  await pool.hover(dir, 'file:///small/Dockerfile', SMALL, 1, 50);
  const aloneMs = performance.now() - alone;
  const big = pool.estimates(dir, 'file:///big/Dockerfile', BIG);
  const t0 = performance.now();
  const other = await pool.hover(dir, 'file:///small/Dockerfile', SMALL, 1, 50);
  const otherMs = performance.now() - t0;
  assert.equal(other.kind, 'done');
  // Not behind the big file's work (10 s of budget): only the machine's load slows it.
  assert.ok(otherMs < 5000, `another document's hover waited ${otherMs.toFixed(0)} ms (${aloneMs.toFixed(0)} ms alone)`);
  const r = await loopDelay(() => big);
  t.diagnostic(
    `4.9 MB estimates: ${r.value.kind}; the caller's longest event-loop delay ${r.maxMs.toFixed(1)} ms; another hover in ${otherMs.toFixed(0)} ms (${aloneMs.toFixed(0)} ms alone)`,
  );
  assert.deepEqual(r.value, { kind: 'too-expensive', reason: 'more than 10 s' });
  assert.ok(r.maxMs < 500, `the calling thread was blocked ${r.maxMs.toFixed(1)} ms`);
  // A fresh worker answers the next request.
  const started = pool.started;
  assert.equal((await pool.estimates(dir, 'file:///big/Dockerfile', STAGE)).kind, 'done');
  assert.equal(pool.started, started);
});

test('reproductions 4 and 5: package worker: a hostile cached index (1,000 providers of one name on every install line) stays within the budget', async (t) => {
  // Within the index limits (so not refused), each `user` line makes the resolver choose among 1,000 providers.
  const providers = INDEX_LIMITS.providersPerName;
  const hostile =
    `Package: user\nInstalled-Size: 1\nDepends: virt\n\n` +
    Array.from({ length: providers }, (_, i) => `Package: p${i}\nInstalled-Size: 1\nDepends: p${(i + 1) % providers}\nProvides: virt\n`).join('\n');
  const dir = indexDir(hostile);
  const pool = new PackagePool({ timeMs: 3000, heapMb: 1024 });
  t.after(() => {
    pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const text = 'FROM debian:bookworm\n' + 'RUN apt-get install -y user\n'.repeat(1500);
  const r = await loopDelay(() => pool.estimates(dir, 'file:///hostile/Dockerfile', text));
  t.diagnostic(`hostile index, 1,500 install lines: ${r.value.kind}; the caller's longest event-loop delay ${r.maxMs.toFixed(1)} ms`);
  assert.ok(r.maxMs < 500, `the calling thread was blocked ${r.maxMs.toFixed(1)} ms`);
  if (r.value.kind === 'done') assert.equal(r.value.value.runs.length, 1500);
  else assert.equal(r.value.reason, 'more than 3 s');
});

test('reproduction 4: server: a hover on a small document is answered while the 4.9 MB estimates run', async () => {
  const dir = indexDir();
  const c = new LspClient();
  try {
    await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { packageIndexDir: dir } });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri: 'file:///big/Dockerfile', languageId: 'dockerfile', version: 1, text: BIG } });
    c.notify('textDocument/didOpen', { textDocument: { uri: 'file:///small/Dockerfile', languageId: 'dockerfile', version: 1, text: SMALL } });
    const hover = (): Promise<{ contents: { value: string } } | null> =>
      c.request('textDocument/hover', { textDocument: { uri: 'file:///small/Dockerfile' }, position: { line: 1, character: 50 } }, 30_000);
    assert.match((await hover())?.contents.value ?? '', /\*\*curl\*\*/); // warm (position 50 is on curl)
    const big = c.request(ESTIMATES_REQUEST, { uri: 'file:///big/Dockerfile' }, 60_000).catch(() => undefined); // answered after its budget
    const t0 = performance.now();
    assert.match((await hover())?.contents.value ?? '', /\*\*curl\*\*/);
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `the hover took ${ms.toFixed(0)} ms while the big estimates ran`);
    c.notify('textDocument/didClose', { textDocument: { uri: 'file:///big/Dockerfile' } }); // its worker goes
    void big;
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
