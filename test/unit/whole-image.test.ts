/**
 * The whole-image total (server/src/analysis/whole-image.ts): its parts, and one truth for the CLI's `estimate` and
 * the language server's WHOLE_IMAGE_REQUEST (the editor's status bar and FROM lens), on a real temp context with the
 * recorded bookworm index in a cache folder.
 */
import { estimateSkippedHover, lineAt } from '../../server/src/lsp/estimate-skipped.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildModel } from '../../server/src/kernel/model.js';
import { estimateModel } from '../../server/src/analysis/package-managers/estimate.js';
import { baseFigure, baseRow, contextRows, wholeImage } from '../../server/src/analysis/whole-image.js';
import { ContextMeter } from '../../common/src/build-context/index.js';
import { contextCopies } from '../../server/src/analysis/context-copies.js';
import { baseSet } from '../../common/src/package-index/base-set.js';
import { buildCache, cacheFile } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { main } from '../../server/src/cli/main.js';
import { LspClient } from '../helpers/lsp-client.js';
import type { WholeImageResult } from '../../common/src/protocol.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

const idx = indexOf(fs.readFileSync(EXCERPT, 'utf8'));
const lookup = (b: { release: string }): typeof idx | undefined => (b.release === 'debian/bookworm' ? idx : undefined);

const TEXT = [
  'FROM debian:bookworm AS base',
  'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
  'FROM base',
  'WORKDIR /app',
  'COPY app.js ./',
  'COPY --from=base /etc/hostname /tmp/h',
  'RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*',
  'RUN useradd app',
  '',
].join('\n');

function contextDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whole-image-'));
  fs.writeFileSync(path.join(dir, 'app.js'), Buffer.alloc(250_000, 1));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), TEXT);
  return dir;
}

test('base figure: the local Docker wins, else the index (minbase closure), else no figure and why; scratch is empty', () => {
  const set = baseSet(idx, 'minbase');
  const fromIndex = baseFigure('debian:bookworm', undefined, lookup);
  assert.equal(fromIndex.source, 'index');
  assert.equal(fromIndex.packages, set.size);
  assert.equal(
    fromIndex.bytes,
    [...set].reduce((n, p) => n + (idx.get(p)?.installedBytes ?? 0), 0),
  );
  assert.deepEqual(baseFigure('debian:bookworm', 116_669_686, lookup), { bytes: 116_669_686, source: 'docker' });
  const alpine = baseFigure('alpine:3.20', undefined, lookup);
  assert.equal(alpine.bytes, null);
  assert.match(alpine.reason ?? '', /not a Debian\/Ubuntu base/);
  assert.match(baseFigure('ubuntu:noble', undefined, lookup).reason ?? '', /ubuntu\/noble package index is not cached/);
  assert.equal(baseFigure('scratch', undefined, lookup).bytes, 0);
});

test('wholeImage: base + final-stage package rows + context rows of the image stages; the rest listed as not counted', () => {
  const dir = contextDir();
  try {
    const model = buildModel(TEXT);
    const summary = new ContextMeter().measure(dir, undefined, contextCopies(TEXT));
    const base = baseRow('Dockerfile', model, lookup, undefined);
    assert.ok(base);
    assert.equal(base.line, 3, "the final stage's FROM line");
    assert.equal(base.image, 'debian:bookworm', 'stage names followed to the image');
    const runs = estimateModel(model, lookup).runs.filter((r) => r.final);
    assert.deepEqual(
      runs.map((r) => r.line),
      [7],
    );
    assert.ok((runs[0]?.bytes ?? 0) > 1e6, 'openssl on top of the base stage');
    const ctx = contextRows('Dockerfile', TEXT, summary);
    assert.deepEqual(
      ctx.map((c) => [c.line, c.bytes]),
      [[5, 250_000]],
    );
    const w = wholeImage(model, base, runs, ctx);
    assert.equal(w.bytes, (base.bytes ?? 0) + (runs[0]?.bytes ?? 0) + 250_000);
    assert.deepEqual(w.counted, [5, 7]);
    // Line 2 (the base stage's RUN) is in the image through FROM base, but only the final stage's RUNs have a package row.
    assert.deepEqual(w.notCounted, [2, 6, 8]);
    assert.equal(w.complete, true);
    const noFigure = wholeImage(model, { ...base, bytes: null, source: 'none', reason: 'x' }, runs, ctx);
    assert.equal(noFigure.bytes, null, 'no base figure, no total');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** `dockerfile-slim estimate` in-process: its output lines. */
async function cli(args: string[]): Promise<string> {
  const lines: string[] = [];
  const code = await main(
    args,
    (s) => lines.push(s),
    () => undefined,
  );
  assert.equal(code, 0);
  return lines.join('\n');
}

test("the language server's whole-image total (status bar, FROM lens) equals `estimate`'s, with the index and with a local image size", async () => {
  const dir = contextDir();
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whole-image-idx-'));
  const rel = releaseOfImage('debian:bookworm');
  assert.ok(rel);
  fs.writeFileSync(cacheFile(indexDir, rel), buildCache(rel, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
  const file = path.join(dir, 'Dockerfile');
  const uri = pathToFileURL(file).toString();
  const c = new LspClient();
  try {
    const json = JSON.parse(await cli(['estimate', '--format', 'json', '--offline', '--no-docker', '--index-dir', indexDir, '--context', dir, file])) as Array<{
      bytes: number | null;
    }>;
    const cliTotal = json.reduce((n, r) => n + (r.bytes ?? 0), 0);
    const text = await cli(['estimate', '--offline', '--no-docker', '--index-dir', indexDir, '--context', dir, file]);
    assert.match(text, /whole image ≈[\d.]+ MB before any build \(not counted: lines 2, 6, 8\)/);

    await c.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      capabilities: {},
      initializationOptions: { packageIndexDir: indexDir },
    });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: TEXT } });
    const w = await c.request<WholeImageResult | null>('dockerfileSlim/wholeImage', { uri });
    assert.ok(w);
    assert.equal(w.bytes, cliTotal, 'one total for the CLI and the editor');
    assert.equal(text.match(/whole image ≈([\d.]+) MB/)?.[1], ((w.bytes ?? 0) / 1e6).toFixed(1));
    assert.equal(w.line, 3);
    assert.equal(w.base.source, 'index');
    assert.equal(w.contextBytes, 250_000);
    assert.deepEqual(w.notCounted, [2, 6, 8]);
    // The client found the base in the local Docker: its exact size replaces the index's.
    const local = await c.request<WholeImageResult | null>('dockerfileSlim/wholeImage', { uri, local: [{ image: 'debian:bookworm', bytes: 116_669_686 }] });
    assert.equal(local?.base.source, 'docker');
    assert.equal(local?.bytes, 116_669_686 + w.packageBytes + w.contextBytes);
    // The hover on the final FROM line says the same, and which lines are not counted; the first FROM has its base.
    const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 1 } });
    assert.match(hover?.contents.value ?? '', /\*\*Whole image before a build ≈ 1\d\d MB\*\* \(base 117 MB \+ packages .* \+ build context 250 kB\)/);
    assert.match(hover?.contents.value ?? '', /Not counted \(no estimate for them\): lines 2, 6, 8\./);
    const first = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.match(first?.contents.value ?? '', /Base `debian:bookworm`: 117 MB \(exact, `docker image inspect` of the local image\)/);
    // A base nobody knows: no figure, and the request says why (the client shows no lens).
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'FROM alpine:3.20\nCOPY app.js /\n' }] });
    const none = await c.request<WholeImageResult | null>('dockerfileSlim/wholeImage', { uri, local: [] });
    assert.equal(none?.bytes, null);
    assert.match(none?.base.reason ?? '', /not a Debian\/Ubuntu base/);
    // Past what the editor totals on the fly (here 70 kB of RUNs): no lens, and the FROM hover says why; other lines stay quiet.
    const big = 'FROM debian:bookworm\n' + 'RUN echo 0123456789012345678901234567890123456789\n'.repeat(1400);
    c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: big }] });
    assert.equal(await c.request<WholeImageResult | null>('dockerfileSlim/wholeImage', { uri, local: [] }), null);
    const why = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.match(
      why?.contents.value ?? '',
      /^No size estimate here: this Dockerfile is too large or costly for the editor to total on the fly\. `dockerfile-slim estimate <file>`/,
    );
    const quiet = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 1 } });
    assert.equal(quiet, null);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
  }
});

test('npm install lines of the image count in the total; a builder stage’s and an unsized one do not', () => {
  const text = 'FROM debian:bookworm AS build\nRUN npm ci\nFROM debian:bookworm\nCOPY package*.json ./\nRUN npm ci --omit=dev\nRUN npm ci\n';
  const model = buildModel(text);
  const base = baseRow('Dockerfile', model, lookup, 100)!;
  const w = wholeImage(
    model,
    base,
    [],
    [],
    [
      { line: 2, bytes: 7_000 },
      { line: 5, bytes: 3_000 },
      { line: 6, bytes: null },
    ],
  );
  assert.equal(w.npmBytes, 3_000);
  assert.equal(w.bytes, 3_100);
  assert.deepEqual(w.counted, [5]);
  assert.deepEqual(w.notCounted, [4, 6]);
});

test('the skipped-estimate hover: only on a line of its kind, and the line read without a model', () => {
  assert.equal(lineAt('a\nb\r\nc', 1), 'b\r');
  assert.equal(lineAt('a\nb', 5), '');
  assert.ok(estimateSkippedHover('from', '  from debian:bookworm AS b', 'why'));
  assert.equal(estimateSkippedHover('from', 'RUN apt-get install -y curl', 'why'), null);
  assert.ok(estimateSkippedHover('install', 'RUN apt-get update && apt-get install -y curl', 'why'));
  assert.equal(estimateSkippedHover('install', 'RUN make && make install', 'why'), null);
  assert.equal(estimateSkippedHover('install', 'COPY . .', 'why'), null);
});
