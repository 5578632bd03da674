// Measured savings in quick fixes: what a saved image's layer tars say each instruction would save
// (common/src/image-layers/measured.ts), and the language server (dist/server.js over LSP) putting
// "(saves 21.0 MB, measured)" into the DS002/DS003/DS013 messages and fix titles once the client sends them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredInstructions, readImageArchive } from '../../common/src/image-layers/index.js';
import { MEASURED_SIZES_NOTIFICATION, type MeasuredSizesParams } from '../../common/src/protocol.js';
import { LspClient } from '../helpers/lsp-client.js';
import { dockerSaveLegacy, type FakeImage } from './layers-tar-helper.js';

const MB = 1_000_000;
const DOCKERFILE = [
  'FROM local/busybox',
  'RUN wget -O /opt/big.bin http://example.com/big.bin',
  'RUN apt-get update && apt-get install -y --no-install-recommends curl',
  'RUN wget -O app.tar.gz http://example.com/app.tar.gz && tar xzf app.tar.gz',
  'RUN rm -f /opt/big.bin',
].join('\n');
const run = (cmd: string): string => `RUN /bin/sh -c ${cmd} # buildkit`;
const IMAGE: FakeImage = {
  layers: [
    [{ name: 'bin/busybox', data: Buffer.alloc(1000) }],
    [{ name: 'opt/big.bin', data: Buffer.alloc(4 * MB) }],
    [
      { name: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', data: Buffer.alloc(3 * MB) },
      { name: 'usr/bin/curl', data: Buffer.alloc(MB) },
    ],
    [
      { name: 'app.tar.gz', data: Buffer.alloc(2 * MB) },
      { name: 'app/bin', data: Buffer.alloc(5 * MB) },
    ],
    [{ name: 'opt/.wh.big.bin', data: '' }],
  ],
  history: [
    { created_by: '' },
    { created_by: run('wget -O /opt/big.bin http://example.com/big.bin') },
    { created_by: run('apt-get update && apt-get install -y --no-install-recommends curl') },
    { created_by: run('wget -O app.tar.gz http://example.com/app.tar.gz && tar xzf app.tar.gz') },
    { created_by: run('rm -f /opt/big.bin') },
  ],
};

test('measured per instruction: wasted, removed from earlier layers, apt lists, archives', async () => {
  const m = measuredInstructions(DOCKERFILE, await readImageArchive([dockerSaveLegacy(IMAGE)]));
  const by = (prefix: string) => m.find((x) => x.text.startsWith(prefix));
  assert.deepEqual(
    m.map((x) => x.text.slice(0, 18)),
    ['RUN wget -O /opt/b', 'RUN apt-get update', 'RUN wget -O app.ta', 'RUN rm -f /opt/big'],
  );
  assert.equal(by('RUN wget -O /opt')?.wastedBytes, 4 * MB);
  assert.equal(by('RUN rm -f')?.removesBytes, 4 * MB);
  assert.equal(by('RUN apt-get')?.aptListsBytes, 3 * MB);
  assert.equal(by('RUN wget -O app')?.archiveBytes, 2 * MB);
  assert.equal(by('RUN wget -O app')?.aptListsBytes, 0);
});

type Diag = { code: string; message: string; range: { start: { line: number } } };

test('the server says "(saves …, measured)" in messages and fix titles after the client reports the build', async () => {
  const c = new LspClient();
  const uri = 'file:///tmp/measured/Dockerfile';
  const diagsOf = (version: number, want: (d: Diag[]) => boolean) =>
    c.waitFor((msg) => {
      const p = msg.params as { uri?: string; version?: number; diagnostics?: Diag[] } | undefined;
      return msg.method === 'textDocument/publishDiagnostics' && p?.uri === uri && p.version === version && want(p.diagnostics ?? []);
    });
  try {
    await c.initialize();
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: DOCKERFILE } });
    const before = (await diagsOf(1, () => true)).params as { diagnostics: Diag[] };
    assert.ok(
      ['DS002', 'DS003', 'DS013'].every((r) => before.diagnostics.some((d) => d.code === r)),
      before.diagnostics.map((d) => d.code).join(),
    );
    assert.ok(before.diagnostics.every((d) => !d.message.includes('measured')));

    const params: MeasuredSizesParams = {
      uri,
      imageId: 'sha256:x',
      instructions: measuredInstructions(DOCKERFILE, await readImageArchive([dockerSaveLegacy(IMAGE)])),
    };
    c.notify(MEASURED_SIZES_NOTIFICATION, params);
    const after = ((await diagsOf(1, (ds) => ds.some((d) => d.message.includes('measured')))).params as { diagnostics: Diag[] }).diagnostics;
    const msg = (rule: string) => after.find((d) => d.code === rule)?.message ?? '';
    assert.match(msg('DS002'), / \(saves 4\.0 MB, measured\)$/);
    assert.match(msg('DS003'), / \(saves 3\.0 MB, measured\)$/);
    assert.match(msg('DS013'), / \(saves 2\.0 MB, measured\)$/);

    const ds003 = after.find((d) => d.code === 'DS003')!;
    const actions = await c.request<Array<{ title: string }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: ds003.range,
      context: { diagnostics: [ds003] },
    });
    assert.ok(
      actions.some((a) => a.title === 'Append rm -rf /var/lib/apt/lists/* (saves 3.0 MB, measured)'),
      actions.map((a) => a.title).join(' | '),
    );

    // Nothing measured (or junk): the plain messages come back, no crash.
    c.notify(MEASURED_SIZES_NOTIFICATION, { uri, imageId: 'sha256:y', instructions: [{ text: 42 }] });
    const plain = ((await diagsOf(1, (ds) => ds.every((d) => !d.message.includes('measured')))).params as { diagnostics: Diag[] }).diagnostics;
    assert.equal(plain.length, after.length);
  } finally {
    assert.equal(await c.shutdown(), 0, 'server exits cleanly');
  }
});
