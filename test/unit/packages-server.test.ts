/** The language server with a cached index (built from the recorded excerpt): estimates request, hover, DS004 sizes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from '../helpers/lsp-client.js';
import { buildCache, cacheFile } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { EXCERPT } from './packages-fixtures.js';

const URI = 'file:///tmp/dsl-pkgindex-test/Dockerfile';
const TEXT = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y libpsl5 curl && rm -rf /var/lib/apt/lists/*\n';

/** A server with a folder holding the recorded bookworm index, `TEXT` open; `init` gets the folder. */
async function withIndexedServer(init: (dir: string) => Record<string, unknown>, body: (c: LspClient, dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-pkgindex-srv-'));
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  fs.writeFileSync(cacheFile(dir, base), buildCache(base, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
  const c = new LspClient();
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
      initializationOptions: init(dir),
    });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text: TEXT } });
    await body(c, dir);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('server: estimates request, package hover, DS004 with sizes once the cached index is loaded', async () => {
  await withIndexedServer(
    (dir) => ({ packageIndexDir: dir }),
    async (c) => {
      // The index loads in the background; then the file is linted again and DS004 carries the saving.
      const msg = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && JSON.stringify(m.params).includes('saves ≈'));
      assert.match(JSON.stringify(msg.params), /drops \d+ packages?/);
      const est = await c.request<{ runs: Array<{ line: number; bytes: number; packages: number; release: string; top: unknown[] }>; missing: string[] }>(
        'dockerfileSlim/estimates',
        { uri: URI },
      );
      assert.equal(est.runs.length, 1);
      assert.equal(est.runs[0]?.line, 2);
      assert.equal(est.runs[0]?.release, 'debian/bookworm');
      assert.ok((est.runs[0]?.packages ?? 0) > 10 && (est.runs[0]?.bytes ?? 0) > 1e6);
      assert.deepEqual(est.missing, []);
      const col = TEXT.split('\n')[1]?.indexOf('curl') ?? 0;
      const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: 1, character: col + 1 },
      });
      assert.match(hover?.contents.value ?? '', /\*\*curl\*\* \(debian\\?\/bookworm\): .* installed/);
      assert.match(hover?.contents.value ?? '', /With its dependencies: ≈/);
      const runHover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: 1, character: 1 },
      });
      assert.match(runHover?.contents.value ?? '', /Estimate before a build/);
      // On the DS004 squiggle (`install`): the finding first, its fix and docs link within three lines, then one line
      // of numbers; the rest folded behind "more".
      const onInstall = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: 1, character: (TEXT.split('\n')[1]?.indexOf('install') ?? 0) + 2 },
      });
      const md = onInstall?.contents.value ?? '';
      const visible =
        md
          .split('<details>')[0]
          ?.split('\n')
          .filter((l) => l.trim() !== '' && l.trim() !== '---')
          // Fragments are backslash-escaped in hover markdown (issue 27); compare the text as it renders.
          .map((l) => l.replace(/\\(.)/g, '$1')) ?? [];
      assert.match(visible[0] ?? '', /^\*\*DS004 apt-recommends-installed\*\*/, md);
      assert.match(visible[1] ?? '', /^Quick fix \(Ctrl\+\.\): Add --no-install-recommends.* · \[Documentation\]\(command:dockerfileSlim\.showRuleDocs\?/, md);
      assert.match(visible[2] ?? '', /^\*\*Estimate before a build\*\* \(debian\/bookworm\): ≈[\d.]+ [kM]B · \d+ packages/, md);
      assert.equal(visible.length, 3, `three visible lines, then "more": ${md}`);
      assert.match(md, /<details><summary>more<\/summary>[\s\S]*Biggest: [\s\S]*<\/details>$/);
      // A release without a cached index: named as missing, no estimate, no error.
      const uri2 = 'file:///tmp/dsl-pkgindex-test/ubuntu.Dockerfile';
      c.notify('textDocument/didOpen', {
        textDocument: { uri: uri2, languageId: 'dockerfile', version: 1, text: 'FROM ubuntu:24.04\nRUN apt-get install -y curl\n' },
      });
      const est2 = await c.request<{ runs: unknown[]; missing: string[] }>('dockerfileSlim/estimates', { uri: uri2 });
      assert.deepEqual(est2, { runs: [], missing: ['ubuntu:noble'] });

      // Network etiquette (issue 23): only releases of stages that ship are asked for; a builder stage's is not.
      const uri3 = 'file:///tmp/dsl-pkgindex-test/multi.Dockerfile';
      const multi =
        'FROM ubuntu:22.04 AS build\nRUN apt-get install -y gcc\nRUN gcc -o /app x.c\nFROM debian:trixie\nCOPY --from=build /app /app\nRUN apt-get install -y curl\n';
      c.notify('textDocument/didOpen', { textDocument: { uri: uri3, languageId: 'dockerfile', version: 1, text: multi } });
      const est3 = await c.request<{ runs: unknown[]; missing: string[] }>('dockerfileSlim/estimates', { uri: uri3 });
      assert.deepEqual(est3.missing, ['debian:trixie'], 'ubuntu:jammy is only the builder’s');

      // No estimate, and the hover says why.
      const hoverOn = async (uri: string, text: string, line: number): Promise<string> => {
        c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
        await c.request('dockerfileSlim/estimates', { uri });
        const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 1 } });
        return (h?.contents.value ?? '').replace(/\\(.)/g, '$1'); // as it renders: fragments are escaped
      };
      assert.equal(
        await hoverOn('file:///tmp/dsl-pkgindex-test/xenial.Dockerfile', 'FROM ubuntu:16.04\nRUN apt-get update && apt-get install -y curl\n', 1),
        'No package index for ubuntu:xenial (not supported): no size estimate for this RUN.',
      );
      assert.match(
        await hoverOn('file:///tmp/dsl-pkgindex-test/latest.Dockerfile', 'FROM debian:latest\nRUN apt-get install -y curl\n', 1),
        /debian:latest \(the tag names no release\)/,
      );
      assert.match(await hoverOn(uri2, 'FROM ubuntu:24.04\nRUN apt-get install -y curl\n', 1), /No package index for ubuntu:noble yet/);
      assert.equal(await hoverOn('file:///tmp/dsl-pkgindex-test/alpine.Dockerfile', 'FROM alpine:3.20\nRUN apk add curl\n', 1), '', 'not Debian: no word');
    },
  );
});

test('server started before the client knows the index folder (packageIndexDirLater): no package knowledge until the folder arrives, then a lint with sizes', async () => {
  await withIndexedServer(
    () => ({ packageIndexDirLater: true }),
    async (c, dir) => {
      const first = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics');
      assert.match(JSON.stringify(first.params), /DS004/, 'the first lint needs no package index');
      assert.doesNotMatch(JSON.stringify(first.params), /saves ≈/);
      // No folder yet: no estimates, and nothing named missing (the client would fetch into a folder it does not know).
      assert.deepEqual(await c.request('dockerfileSlim/estimates', { uri: URI }), { runs: [], missing: [] });
      c.notify('dockerfileSlim/packageIndexDir', { dir });
      const msg = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && JSON.stringify(m.params).includes('saves ≈'));
      assert.match(JSON.stringify(msg.params), /drops \d+ packages?/);
      const est = await c.request<{ runs: Array<{ release: string }>; missing: string[] }>('dockerfileSlim/estimates', { uri: URI });
      assert.equal(est.runs[0]?.release, 'debian/bookworm');
      assert.deepEqual(est.missing, []);
    },
  );
});
