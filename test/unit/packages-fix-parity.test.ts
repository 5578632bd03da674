/**
 * `fix` reads the package index `lint` and the editor read: with the same cached index, the CLI's `fix`
 * applies exactly the editor's fix-all (issue 25 item 2). The file's DS004 fix is unsafe without the
 * index (libpsl5's recommends are not in the reviewed table) and safe with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../helpers/lsp-client.js';
import { buildCache, cacheFile } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { main } from '../../server/src/cli/main.js';
import { lintDetailed } from '../../server/src/engine/lint.js';
import { EXCERPT } from './packages-fixtures.js';

const TEXT = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y libpsl5 curl && rm -rf /var/lib/apt/lists/*\nCMD ["curl", "--version"]\n';

async function cli(argv: string[], indexDir: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.DOCKERFILE_SLIM_INDEX_DIR;
  process.env.DOCKERFILE_SLIM_INDEX_DIR = indexDir;
  try {
    const code = await main(
      argv,
      (s) => out.push(s),
      (s) => err.push(s),
    );
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env.DOCKERFILE_SLIM_INDEX_DIR;
    else process.env.DOCKERFILE_SLIM_INDEX_DIR = saved;
  }
}

test('fix with a cached index applies the same safe fixes as the editor fix-all with that index', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-fix-parity-'));
  const indexDir = path.join(tmp, 'index');
  const emptyDir = path.join(tmp, 'empty');
  fs.mkdirSync(indexDir);
  fs.mkdirSync(emptyDir);
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  fs.writeFileSync(cacheFile(indexDir, base), buildCache(base, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
  const file = path.join(tmp, 'Dockerfile');
  fs.writeFileSync(path.join(tmp, '.dockerignore'), '.git\n');
  const c = new LspClient();
  try {
    // Without the index the DS004 fix is unsafe: `fix` leaves the install as it is.
    fs.writeFileSync(file, TEXT);
    const plain = await cli(['fix', file], emptyDir);
    assert.equal(plain.code, 0, plain.err.join('\n'));
    assert.match(fs.readFileSync(file, 'utf8'), /install -y libpsl5 curl/);
    assert.ok(lintDetailed(TEXT, { dockerignoreExists: true }).some((f) => f.rule === 'DS004' && f.fix && !f.fix.safe));

    // With it, the CLI's lint calls the fix safe, and fix applies it.
    fs.writeFileSync(file, TEXT);
    const lint = await cli(['lint', '--format', 'json', file], indexDir);
    const ds004 = (JSON.parse(lint.out.join('\n')) as Array<{ rule: string; fix?: { safe: boolean; title: string } }>).find((f) => f.rule === 'DS004');
    assert.equal(ds004?.fix?.safe, true, JSON.stringify(ds004));
    const fixed = await cli(['fix', file], indexDir);
    assert.equal(fixed.code, 0, fixed.err.join('\n'));
    const cliText = fs.readFileSync(file, 'utf8');
    assert.match(cliText, /--no-install-recommends/);

    // The editor's fix-all on the same text with the same cached index.
    const uri = `file://${file}`;
    await c.initialize(true, { initializationOptions: { packageIndexDir: indexDir } });
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: TEXT } });
    await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && JSON.stringify(m.params).includes('saves ≈'));
    const actions = await c.request<Array<{ kind?: string; edit?: { documentChanges?: Array<{ edits?: Array<{ range: never; newText: string }> }> } }>>(
      'textDocument/codeAction',
      {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.dockerfileSlim'] },
      },
    );
    const edits = actions.flatMap((a) => a.edit?.documentChanges ?? []).flatMap((d) => d.edits ?? []);
    assert.ok(edits.length > 0, 'the editor offers a fix-all');
    const editorText = TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, TEXT), edits);
    assert.equal(cliText, editorText);
  } finally {
    await c.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('lint names once a release it has no index for (stderr, text mode only)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-no-index-'));
  try {
    const a = path.join(tmp, 'a.Dockerfile');
    const b = path.join(tmp, 'b.Dockerfile');
    fs.writeFileSync(a, 'FROM debian:bullseye\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n');
    fs.writeFileSync(b, 'FROM debian:bullseye\nRUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*\n');
    const text = await cli(['lint', a, b], tmp);
    const notices = text.err.filter((l) => l.includes('no package index for debian/bullseye yet'));
    assert.equal(notices.length, 1, text.err.join('\n'));
    assert.match(notices[0] ?? '', /open the file in the editor or run `dockerfile-slim estimate FILE`/);
    const json = await cli(['lint', '--format', 'json', a, b], tmp);
    assert.deepEqual(json.err, []);
    assert.ok(Array.isArray(JSON.parse(json.out.join('\n'))));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
