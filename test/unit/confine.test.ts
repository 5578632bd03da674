/**
 * Settings cannot reach outside the workspace (issue 17): build.context is confined after following
 * links, UNC and device paths are refused without touching them, and the language server neither
 * looks for `.dockerignore` nor offers to create one outside the workspace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { confineToRoot, isUncPath, resolveBuildContext } from '../../common/src/workspace/confine.js';
import { LspClient } from '../helpers/lsp-client.js';

function workspace(): { ws: string; outside: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-confine-')));
  const ws = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(ws, 'sub', 'deeper'), { recursive: true });
  fs.mkdirSync(outside);
  fs.symlinkSync(outside, path.join(ws, 'out-link'));
  fs.symlinkSync('sub/deeper', path.join(ws, 'in-link'));
  fs.symlinkSync('../../..', path.join(ws, 'sub', 'up'));
  return { ws, outside };
}

test('build context: inside after realpath is accepted; outside, through links, UNC and missing are refused', () => {
  const { ws, outside } = workspace();
  const file = path.join(ws, 'Dockerfile');
  const ok = (s: string): string => {
    const r = resolveBuildContext(s, file, ws);
    assert.ok(r.ok, `${s}: ${r.ok ? '' : r.reason}`);
    return r.dir;
  };
  const refused = (s: string, reason: RegExp): void => {
    const r = resolveBuildContext(s, file, ws);
    assert.equal(r.ok, false, s);
    if (!r.ok) assert.match(r.reason, reason, s);
  };
  assert.equal(ok(''), ws);
  assert.equal(ok('.'), ws);
  assert.equal(ok('sub'), path.join(ws, 'sub'));
  assert.equal(ok(path.join(ws, 'sub', 'deeper')), path.join(ws, 'sub', 'deeper'));
  assert.equal(ok('in-link'), path.join(ws, 'sub', 'deeper'), 'a link that stays inside is followed');
  assert.equal(ok('sub/../sub/deeper/..'), path.join(ws, 'sub'));
  refused('..', /outside the workspace/);
  refused('../outside', /outside the workspace/);
  refused(outside, /outside the workspace/);
  refused(os.homedir(), /outside the workspace/);
  refused('out-link', /symbolic link in it points outside/);
  refused('sub/up', /symbolic link in it points outside/);
  refused('\\\\host@80\\s', /UNC/);
  refused('//host/share', /UNC/);
  refused('missing', /does not exist/);
  // Without a workspace folder, the Dockerfile's own folder is the boundary.
  assert.equal(resolveBuildContext('..', path.join(ws, 'sub', 'Dockerfile'), undefined).ok, false);
});

test('Windows paths: UNC, device and outside contexts refused as text; links checked before they are followed', () => {
  for (const p of ['\\\\host\\share', '\\\\host@80\\s', '//host/s', '\\\\?\\UNC\\host\\s', '\\\\.\\pipe\\x', '\\??\\UNC\\h\\s']) assert.ok(isUncPath(p), p);
  for (const p of ['C:\\ws', 'sub\\dir', '/usr/src', './x']) assert.equal(isUncPath(p), false, p);
  const touched: string[] = [];
  const links: Record<string, string> = { 'C:\\ws\\share': '\\\\evil\\s', 'C:\\ws\\home': 'C:\\Users\\me', 'C:\\ws\\ok': 'sub' };
  const readLink = (p: string): string | undefined => {
    touched.push(p);
    return links[p];
  };
  const win = { platform: 'win32' as const, readLink };
  assert.deepEqual(confineToRoot('C:\\ws', 'sub\\x', win), { ok: true, dir: 'C:\\ws\\sub\\x' });
  assert.deepEqual(confineToRoot('C:\\ws', 'ok\\x', win), { ok: true, dir: 'C:\\ws\\sub\\x' });
  for (const s of ['\\\\host@80\\s', '//host/s', '..\\x', 'D:\\x', 'C:\\Users', 'c:\\WS\\..\\other']) {
    assert.equal(confineToRoot('C:\\ws', s, win).ok, false, s);
  }
  assert.equal(confineToRoot('C:\\ws', 'share\\x', win).ok, false);
  assert.equal(confineToRoot('C:\\ws', 'home', win).ok, false);
  assert.deepEqual(
    touched.filter((p) => !p.toLowerCase().startsWith('c:\\ws\\')),
    [],
    'nothing outside the workspace was ever looked at',
  );
  assert.ok(!touched.some((p) => p.startsWith('\\\\')));
});

const DOCKERFILE = 'FROM alpine:3.20\nCOPY . /app\n';

async function lintWith(ws: string, context: string): Promise<{ codes: string[]; creates: string[]; logs: string[] }> {
  const c = new LspClient();
  c.configuration = { build: { context } };
  const uri = pathToFileURL(path.join(ws, 'Dockerfile')).toString();
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ws).toString(),
      workspaceFolders: [{ uri: pathToFileURL(ws).toString(), name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: DOCKERFILE } });
    const msg = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri);
    const codes = (msg.params as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    const actions = await c.request<{ edit?: { documentChanges?: { kind?: string; uri?: string }[] } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    const creates = actions.flatMap((a) => a.edit?.documentChanges ?? []).flatMap((d) => (d.kind === 'create' && d.uri ? [d.uri] : []));
    const logs = c.notifications.filter((m) => m.method === 'window/logMessage').map((m) => String((m.params as { message: string }).message));
    return { codes, creates, logs };
  } finally {
    await c.shutdown();
  }
}

test('language server: a context outside the workspace is neither checked nor written to', async () => {
  const { ws, outside } = workspace();
  fs.writeFileSync(path.join(ws, 'Dockerfile'), DOCKERFILE);
  const inside = await lintWith(ws, 'sub');
  assert.ok(inside.codes.includes('DS012'), 'no .dockerignore in ws/sub: reported');
  assert.deepEqual(inside.creates, [pathToFileURL(path.join(ws, 'sub', '.dockerignore')).toString()]);
  for (const context of ['../outside', outside, 'out-link', '\\\\host@80\\s']) {
    const r = await lintWith(ws, context);
    assert.equal(r.codes.includes('DS012'), false, `${context}: unknown, so quiet`);
    assert.deepEqual(r.creates, [], `${context}: no .dockerignore created outside`);
    assert.ok(
      r.logs.some((l) => /build\.context .* ignored/.test(l)),
      `${context}: says why`,
    );
  }
  assert.deepEqual(fs.readdirSync(outside), [], 'nothing written outside');
});
