/** Spawns the bundled dist/server.js and speaks LSP to it: diagnostics, code actions, settings, bursts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp-client.js';

const URI = 'file:///tmp/dockerfile-slim-protocol/Dockerfile';
const TEXT = 'FROM alpine:3.20\nRUN apk add curl\nRUN apt-get update\n';

type Diag = { code: string; range: { start: { line: number; character: number } }; source: string; codeDescription?: { href: string }; data?: unknown };
const isDiags = (uri: string, version?: number) => (m: Record<string, unknown>) =>
  m.method === 'textDocument/publishDiagnostics' &&
  (m.params as { uri: string }).uri === uri &&
  (version === undefined || (m.params as { version?: number }).version === version);

test('initialize, didOpen → diagnostics with rule id, doc link and the command range', async () => {
  const c = new LspClient();
  try {
    await c.initialize();
    c.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text: TEXT } });
    const msg = await c.waitFor(isDiags(URI, 1));
    const diags = (msg.params as { diagnostics: Diag[] }).diagnostics;
    const ds005 = diags.find((d) => d.code === 'DS005');
    assert.ok(ds005, 'DS005 published');
    assert.equal(ds005.source, 'dockerfile-slim');
    assert.deepEqual(ds005.range.start, { line: 1, character: 8 }, 'the verb (add), as every rule squiggles it');
    assert.match(ds005.codeDescription?.href ?? '', /docs\/rules\/DS005\.md$/);
    assert.ok(diags.some((d) => d.code === 'DS003'));

    // Quick fix for DS005, stateless: computed from the current text.
    const actions = await c.request<{ title: string; kind: string; edit?: { documentChanges?: { edits: { newText: string }[] }[] } }[]>(
      'textDocument/codeAction',
      {
        textDocument: { uri: URI },
        range: ds005.range,
        context: { diagnostics: [ds005] },
      },
    );
    const qf = actions.find((a) => a.title === 'Add --no-cache');
    assert.ok(qf, `quick fix offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(qf.edit?.documentChanges?.[0]?.edits[0]?.newText, ' --no-cache');
    assert.ok(actions.some((a) => a.title === 'Ignore DS005 for this instruction'));
    // The BuildKit cache mount is offered beside it, never preferred.
    const mount = actions.find((a) => a.title === 'Use a cache mount for /var/cache/apk (unsafe: needs BuildKit)') as
      { isPreferred?: boolean; edit?: { documentChanges?: { edits: { newText: string }[] }[] } } | undefined;
    assert.ok(mount && !mount.isPreferred, `cache mount offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(mount.edit?.documentChanges?.[0]?.edits[0]?.newText, '--mount=type=cache,id=apk,target=/var/cache/apk ');

    // source.fixAll for codeActionsOnSave.
    const all = await c.request<{ kind: string; edit: unknown }[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(all.length, 1);
    assert.equal(all[0]?.kind, 'source.fixAll.dockerfileSlim');
  } finally {
    assert.equal(await c.shutdown(), 0, 'server exits cleanly');
  }
});

test('a burst of didChange publishes only for the newest text; settings turn a rule off', async () => {
  const c = new LspClient();
  c.configuration = { rules: { DS003: 'off' } };
  try {
    await c.initialize();
    c.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'dockerfile', version: 1, text: 'FROM alpine\n' } });
    for (let v = 2; v <= 30; v++) {
      c.notify('textDocument/didChange', {
        textDocument: { uri: URI, version: v },
        contentChanges: [{ text: `FROM alpine\nRUN apk add pkg${v}\nRUN apt-get update\n` }],
      });
    }
    const last = await c.waitFor(isDiags(URI, 30));
    const diags = (last.params as { diagnostics: Diag[] }).diagnostics;
    assert.ok(
      diags.some((d) => d.code === 'DS005'),
      'DS005 still reported',
    );
    assert.ok(!diags.some((d) => d.code === 'DS003'), 'DS003 is off by setting');
    const versions = c.notifications.filter(isDiags(URI)).map((m) => (m.params as { version?: number }).version ?? 0);
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      versions,
      'never an older version after a newer one',
    );
    assert.equal(versions[versions.length - 1], 30, 'the last publish is for the newest text');
  } finally {
    await c.shutdown();
  }
});

test('a client that disappears: the server exits on its own', async () => {
  const c = new LspClient();
  await c.initialize();
  const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
  c.proc.stdin.end();
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
  const code = await exited;
  clearTimeout(timer);
  assert.notEqual(code, null, 'exited by itself, not killed');
});
