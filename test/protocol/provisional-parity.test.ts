/**
 * The diagnostics the extension shows before the server is up (client/src/provisional-lint.ts with dist/engine.js,
 * as the extension host runs them) are exactly those the real server (dist/server.js) then publishes for the same
 * document and settings: same ranges, messages, severities, codes, links, grouping and data. Otherwise the squiggles
 * would jump when the server takes over. On every fixture, every corpus file (when ../shared is there), with rule
 * settings, with the extension disabled, and with and without a .dockerignore in the build context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp-client.js';
import { fixturesDir, repoRoot, sharedIfPresent } from '../helpers/paths.js';
import { provisionalDiagnostics, PROVISIONAL_MAX_CHARS, type LintDetailed } from '../../client/src/provisional-lint.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require(path.join(repoRoot, 'dist', 'engine.js')) as { lintDetailed: LintDetailed };

function dockerfiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /Dockerfile/.test(path.basename(f)) && !f.endsWith('.golden') && !f.endsWith('.json'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
}

const texts = [
  ...dockerfiles(path.join(fixturesDir, 'rules')),
  ...dockerfiles(path.join(fixturesDir, 'regressions')),
  ...dockerfiles(path.join(fixturesDir, 'seeds')),
]
  .concat(dockerfiles(path.join(sharedIfPresent('corpus') ?? '/nonexistent', 'files')))
  .map((f) => ({ name: path.relative(repoRoot, f), text: fs.readFileSync(f, 'utf8') }))
  .filter((t) => t.text.length <= PROVISIONAL_MAX_CHARS);

// Line ends, a BOM and hostile input change offsets and positions: the shaping must still agree.
const variants = texts.filter((_, i) => i % 4 === 0);
texts.push(
  ...variants.map((t) => ({ name: `${t.name} (CRLF)`, text: t.text.replace(/\r?\n/g, '\r\n') })),
  ...variants.map((t) => ({ name: `${t.name} (BOM)`, text: `\uFEFF${t.text}` })),
  { name: 'escape directive', text: '# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install -y curl\n' },
  { name: 'here-document', text: 'FROM alpine:3.20\nRUN <<EOF\napk add curl\nEOF\nRUN apk add git\n' },
  { name: 'half-typed', text: 'FROM debian:12\nRUN apt-get install -y \\\n' },
  { name: 'lone CR', text: 'FROM alpine\rRUN apk add curl\nRUN apk add git\r\n' },
  { name: 'binary', text: Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256)).toString('latin1') },
);

/** Two build contexts in one workspace folder: `with/` has a .dockerignore, `without/` has none. */
function workspace(): { root: string; folderUri: string } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-parity-')));
  for (const d of ['with', 'without']) fs.mkdirSync(path.join(root, d));
  fs.writeFileSync(path.join(root, 'with', '.dockerignore'), '.git\n');
  return { root, folderUri: pathToFileURL(root).toString() };
}

const SETTINGS: { name: string; settings: unknown }[] = [
  { name: 'defaults', settings: {} },
  { name: 'rule overrides', settings: { rules: { DS001: 'off', DS005: 'error', ds003: 'hint', DS012: 'warning' } } },
  { name: 'disabled', settings: { enable: false } },
];

for (const { name, settings } of SETTINGS) {
  test(`provisional diagnostics equal the server's: ${name}`, async () => {
    assert.ok(texts.length >= 60, `only ${texts.length} Dockerfiles found`);
    const { root, folderUri } = workspace();
    const c = new LspClient();
    c.configuration = settings;
    let version = 0;
    let compared = 0;
    const ds012 = { with: 0, without: 0 };
    try {
      // No package index on either side: the provisional linter never reads one, and a cache left on this machine by
      // another run must not make the server's DS004/DS014 messages differ.
      await c.initialize(true, { workspaceFolders: [{ uri: folderUri, name: 'ws' }], initializationOptions: { packageIndexDir: path.join(root, 'no-index') } });
      for (const [i, t] of texts.entries()) {
        const uri = pathToFileURL(path.join(root, i % 2 ? 'with' : 'without', `${i}.Dockerfile`)).toString();
        const v = ++version;
        c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: v, text: t.text } });
        const msg = await c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === uri);
        const server = (msg.params as { diagnostics: unknown[] }).diagnostics;
        const ours = provisionalDiagnostics({ uri, version: v, text: t.text, settings, folders: [folderUri] }, engine.lintDetailed);
        // The rule-doc links point into docs/rules/ next to each bundle's folder; compiled for this test, the
        // shaping code sits in out/server/, so its links name out/server/docs/rules/ instead (the real VS Code test,
        // test/e2e/suite-activation, compares the bundles' own links).
        const same = JSON.parse(
          JSON.stringify(ours ?? null).replaceAll(
            pathToFileURL(path.join(repoRoot, 'out', 'server', 'docs')).toString(),
            pathToFileURL(path.join(repoRoot, 'docs')).toString(),
          ),
        ) as unknown;
        assert.deepEqual(same, server, `${t.name} (${i % 2 ? 'with' : 'without'} .dockerignore)`);
        if (server.length > 0) compared++;
        ds012[i % 2 ? 'with' : 'without'] += server.filter((d) => (d as { code?: string }).code === 'DS012').length;
        c.notify('textDocument/didClose', { textDocument: { uri } });
      }
      if (name === 'disabled') assert.equal(compared, 0);
      else {
        assert.ok(compared >= texts.length / 2, `most files have findings (${compared} of ${texts.length})`);
        // The .dockerignore probe is part of the parity: DS012 only where the build context has none.
        assert.ok(ds012.without > 0 && ds012.with === 0, `DS012 findings: ${JSON.stringify(ds012)}`);
      }
    } finally {
      assert.equal(await c.shutdown(), 0);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

test('a file over the limit is left to the server', () => {
  const text = `FROM alpine\n${'RUN echo x\n'.repeat(PROVISIONAL_MAX_CHARS / 10)}`;
  assert.equal(provisionalDiagnostics({ uri: 'file:///tmp/Dockerfile', version: 1, text, settings: {}, folders: [] }, engine.lintDetailed), undefined);
});
