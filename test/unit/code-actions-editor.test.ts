/**
 * The code-action menu as the editor shows it: the fix-all edit with one change annotation per fix
 * (safe ones need no confirmation, unsafe ones do), short plain titles with the unsafe kind,
 * Show documentation / Ignore in this file, and no BuildKit-only fix for a builder without BuildKit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnnotatedTextEdit, CodeAction, CodeActionParams, Diagnostic, TextDocumentEdit } from 'vscode-languageserver/node';
import { lintDetailed } from '../../server/src/engine/index.js';
import { codeActions } from '../../server/src/lsp/code-actions.js';
import { shortTitle } from '../../server/src/lsp/action-helpers.js';
import { toDiagnostic } from '../../server/src/lsp/diagnostics.js';

const uri = 'file:///tmp/dsl-editor/Dockerfile';
const params = (doc: TextDocument, diagnostics: Diagnostic[], only?: string[]): CodeActionParams => ({
  textDocument: { uri },
  range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } },
  context: only ? { diagnostics, only } : { diagnostics },
});
const diags = (doc: TextDocument): Diagnostic[] => lintDetailed(doc.getText()).map((f) => toDiagnostic(f, (o) => doc.positionAt(o), doc.getText()));

test('fix-all: one annotation per fix, safe ones pre-ticked, unsafe ones need confirmation', () => {
  const doc = TextDocument.create(
    uri,
    'dockerfile',
    1,
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && curl --version\nRUN pip install requests\n',
  );
  const [safe] = codeActions(doc, params(doc, [], ['source.fixAll.dockerfileSlim']), lintDetailed(doc.getText()), { dockerignoreExists: true }, '', {
    annotations: true,
  });
  assert.ok(safe?.edit?.changeAnnotations);
  const ann = Object.values(safe.edit.changeAnnotations);
  assert.equal(ann.length, 3, JSON.stringify(ann));
  assert.ok(ann.every((a) => a.needsConfirmation === false));
  assert.ok(
    ann.every((a) => /^Line \d+: /.test(a.label) && !a.label.includes('`')),
    JSON.stringify(ann),
  );
  const edits = (safe.edit.documentChanges?.[0] as TextDocumentEdit).edits as AnnotatedTextEdit[];
  assert.equal(new Set(edits.map((e) => e.annotationId)).size, 3, 'each fix its own edit');

  const [all] = codeActions(doc, params(doc, [], ['source.dockerfileSlim.optimizeUnsafe']), lintDetailed(doc.getText()), { dockerignoreExists: true }, '', {
    annotations: true,
  });
  const unsafe = Object.values(all?.edit?.changeAnnotations ?? {}).filter((a) => a.needsConfirmation);
  assert.ok(unsafe.length >= 1 && unsafe.some((a) => a.description?.includes('DS011')), JSON.stringify(all?.edit?.changeAnnotations));

  const [plain] = codeActions(doc, params(doc, [], ['source.fixAll.dockerfileSlim']), lintDetailed(doc.getText()), { dockerignoreExists: true }, '', {});
  assert.equal(plain?.edit?.changeAnnotations, undefined, 'no annotations for clients without support');
});

test('quick fixes: short titles, unsafe kind, Show documentation and Ignore in this file', () => {
  const doc = TextDocument.create(uri, 'dockerfile', 1, '# escape=\\\nFROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n');
  const ds = diags(doc);
  const actions = codeActions(doc, params(doc, ds), lintDetailed(doc.getText()), { dockerignoreExists: true }, '', { annotations: true });
  const titles = actions.map((a) => a.title);
  assert.ok(
    titles.some((t) => t.startsWith('Add --no-install-recommends')),
    titles.join(' | '),
  );
  assert.ok(titles.includes('Show documentation for DS004'));
  const ignore = actions.find((a) => a.title === 'Ignore DS004 in this file') as CodeAction;
  const e = ignore.edit?.changes?.[uri]?.[0];
  assert.deepEqual(e?.range.start, { line: 1, character: 0 }, 'after the parser directive');
  assert.equal(e?.newText, '# dockerfile-slim global ignore=DS004\n');
  for (const a of actions.filter((x) => x.title.endsWith('(unsafe)'))) assert.equal(a.kind, 'quickfix.dockerfileSlim.unsafe');
  assert.ok(
    actions.some((a) => a.kind === 'quickfix.dockerfileSlim.unsafe'),
    'DS011 offers an unsafe base swap',
  );
  assert.ok(
    titles.every((t) => !t.includes('`') && t.length <= 80),
    titles.join(' | '),
  );
});

test('"Ignore in this file" extends an existing global pragma', () => {
  const doc = TextDocument.create(
    uri,
    'dockerfile',
    1,
    'FROM debian:bookworm\n# dockerfile-slim global ignore=DS011  # base is pinned\nRUN apt-get update && apt-get install -y curl\n',
  );
  const a = codeActions(doc, params(doc, diags(doc)), lintDetailed(doc.getText()), {}, '', {}).find((x) => x.title === 'Ignore DS004 in this file');
  const e = a?.edit?.changes?.[uri]?.[0];
  assert.equal(e?.newText, ',DS004');
  const fixed = TextDocument.applyEdits(doc, e ? [e] : []);
  assert.match(fixed, /^# dockerfile-slim global ignore=DS011,DS004 {2}# base is pinned$/m);
  assert.ok(!lintDetailed(fixed).some((f) => f.rule === 'DS004' || f.rule === 'DS011'));
});

test('titles: long asides go, a short suffix marks unsafe and BuildKit-only fixes (from the fix, not its title)', () => {
  assert.equal(shortTitle({ title: 'Use debian:bookworm-slim', safe: false }), 'Use debian:bookworm-slim (unsafe)');
  assert.equal(
    shortTitle({ title: 'Add `--chmod=755` to the COPY at line 3 and remove the chmod', safe: false, buildkitOnly: true }),
    'Add --chmod=755 to the COPY at line 3 and remove the chmod (unsafe, BuildKit)',
  );
  assert.equal(shortTitle({ title: 'Add `--chmod=755` to the COPY', safe: true, buildkitOnly: true }), 'Add --chmod=755 to the COPY (BuildKit)');
  assert.equal(shortTitle({ title: 'Append `npm cache clean --force`', safe: true }), 'Append npm cache clean --force');
  // An aside of 40 characters or more goes; a shorter one stays.
  assert.equal(
    shortTitle({ title: 'Convert to multi-stage build (Node → node:20-slim, production dependencies only)', safe: false }),
    'Convert to multi-stage build (unsafe)',
  );
  assert.equal(shortTitle({ title: 'Convert to multi-stage build (Go → scratch)', safe: false }), 'Convert to multi-stage build (Go → scratch) (unsafe)');
});

test('a builder without BuildKit is not offered BuildKit-only fixes', () => {
  const text = 'FROM debian:bookworm-slim\nCOPY app.sh /app.sh\nRUN chmod -R 755 /app.sh\n';
  const doc = TextDocument.create(uri, 'dockerfile', 1, text);
  const findings = lintDetailed(text);
  const chmod = findings.find((f) => f.rule === 'DS015');
  if (!chmod?.fixDetail) return assert.fail(`DS015 with a fix expected: ${JSON.stringify(findings.map((f) => f.rule))}`);
  const ds = diags(doc).filter((d) => d.code === 'DS015');
  const withBk = codeActions(doc, params(doc, ds), findings, {}, '', { buildkit: true }).map((a) => a.title);
  const without = codeActions(doc, params(doc, ds), findings, {}, '', { buildkit: false }).map((a) => a.title);
  assert.ok(
    withBk.some((t) => t.includes('--chmod')),
    withBk.join(' | '),
  );
  assert.ok(!without.some((t) => t.includes('--chmod')), without.join(' | '));
});
