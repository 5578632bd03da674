/** The language server measures the build context in its worker: sizes request, hover, DS017 once facts arrive, refresh on change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client.js';
import type { ContextSizesResult } from '../../common/src/protocol.js';

const TEXT = 'FROM local/busybox:latest\nWORKDIR /app\nCOPY src/ ./src/\nCOPY . .\n';

test('server: COPY sizes from the context worker, a hover with escaped paths, DS017, and a refresh after a change', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-srv-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.git/pack'), Buffer.alloc(3_000_000, 1));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src/a.js'), Buffer.alloc(1000, 1));
  fs.writeFileSync(path.join(dir, 'we*rd_[name](x).bin'), Buffer.alloc(2_000_000, 1));
  fs.writeFileSync(path.join(dir, '.dockerignore'), '*.log\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), TEXT);
  const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
  const c = new LspClient();
  try {
    await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: TEXT } });
    const r = await c.request<ContextSizesResult | null>('dockerfileSlim/contextSizes', { uri });
    assert.ok(r);
    assert.equal(r.copies.find((x) => x.line === 3)?.bytes, 1000);
    const all = r.copies.find((x) => x.line === 4);
    assert.equal(all?.bytes, 5_001_000 + TEXT.length + 6);
    assert.equal(all?.top[0]?.path, '.git');
    // The facts arrive after the first lint: the file is linted again and DS017 names .git.
    const diag = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && JSON.stringify(m.params).includes('DS017'));
    assert.match(JSON.stringify(diag.params), /ships \.git \(3\.0 MB, git history\)/);
    const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
    const md = hover?.contents.value ?? '';
    assert.match(md, /≈ 5\.0 MB from the build context/);
    assert.match(md, /\| we\\\*rd\\_\\\[name\\\]\\\(x\\\)\.bin \| 2\.0 MB \|/, 'markdown characters in paths are escaped');
    // A file grows (its folder's mtime does not change): the client's watcher tells the server.
    fs.writeFileSync(path.join(dir, 'src/a.js'), Buffer.alloc(51_000, 1));
    c.notify('dockerfileSlim/contextChanged', { paths: [path.join(dir, 'src/a.js')] });
    await new Promise((res) => setTimeout(res, 700));
    const again = await c.request<ContextSizesResult | null>('dockerfileSlim/contextSizes', { uri });
    assert.equal(again?.copies.find((x) => x.line === 3)?.bytes, 51_000);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
