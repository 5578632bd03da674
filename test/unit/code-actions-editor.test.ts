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
import { editorDiagnostics, toDiagnostic } from '../../server/src/lsp/diagnostics.js';

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
    ann.every((a) => /^DS\d{3}(?: \+ DS\d{3})* line \d+: \S/.test(a.label) && !a.label.includes('`') && a.description === 'safe'),
    JSON.stringify(ann),
  );
  const edits = (safe.edit.documentChanges?.[0] as TextDocumentEdit).edits as AnnotatedTextEdit[];
  assert.equal(new Set(edits.map((e) => e.annotationId)).size, 3, 'each fix its own edit');

  const [all] = codeActions(doc, params(doc, [], ['source.dockerfileSlim.optimizeUnsafe']), lintDetailed(doc.getText()), { dockerignoreExists: true }, '', {
    annotations: true,
  });
  const unsafe = Object.values(all?.edit?.changeAnnotations ?? {}).filter((a) => a.needsConfirmation);
  assert.ok(
    unsafe.length >= 1 &&
      unsafe.some((a) => a.label.startsWith('DS011 line 1: Use debian:bookworm-slim') && a.description === 'unsafe: fewer packages (unticked: tick to apply)'),
    JSON.stringify(all?.edit?.changeAnnotations),
  );

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
    titles.every((t) => !t.includes('`') && t.length <= 100),
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

test('titles: long asides go, a short suffix marks unsafe and BuildKit-only fixes', () => {
  assert.equal(shortTitle({ title: 'Use debian:bookworm-slim (unsafe: fewer packages)', safe: false }), 'Use debian:bookworm-slim (unsafe: fewer packages)');
  assert.equal(shortTitle({ title: 'Use node:20-slim (fewer packages)', safe: false }, 'DS011'), 'Use node:20-slim (unsafe: fewer packages)');
  assert.equal(
    shortTitle({ title: 'Add `--chmod=755` to the COPY at line 3 and remove the chmod', safe: false, buildkitOnly: true }),
    'Add --chmod=755 to the COPY at line 3 and remove the chmod (unsafe: needs BuildKit)',
  );
  assert.equal(shortTitle({ title: 'Add `--chmod=755` to the COPY', safe: true, buildkitOnly: true }), 'Add --chmod=755 to the COPY (BuildKit)');
  assert.equal(shortTitle({ title: 'Append `npm cache clean --force`', safe: true }), 'Append npm cache clean --force');
  // An aside of 40 characters or more goes; a shorter one stays.
  assert.equal(
    shortTitle({ title: 'Convert to multi-stage build (Go → scratch)', safe: false }, 'DS010'),
    'Convert to multi-stage build (Go → scratch) (unsafe: the runtime stage may lack files the app needs)',
  );
  assert.equal(
    shortTitle({ title: 'Add `--no-install-recommends` (recommends of wireshark not reviewed)', safe: false }, 'DS004'),
    'Add --no-install-recommends (unsafe: recommends of wireshark not reviewed)',
  );
  const own = { title: 'Delete the virtual package .x at the end of this RUN', safe: false, unsafeReason: 'a later RUN may use it' };
  assert.equal(shortTitle(own, 'DS014'), 'Delete the virtual package .x at the end of this RUN (unsafe: a later RUN may use it)');
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

const PIP = 'FROM python:3.12-slim\nRUN pip3 install flask\nRUN pip3 install requests\nRUN pip3 install numpy\nCOPY . /app\nRUN pip3 install gunicorn\n';
const applyChange = (doc: TextDocument, a: CodeAction | undefined): string => {
  const edits = (a?.edit?.documentChanges?.[0] as TextDocumentEdit | undefined)?.edits ?? [];
  return TextDocument.applyEdits(doc, edits);
};
const count = (text: string, rule: string): number => lintDetailed(text, { dockerignoreExists: true }).filter((f) => f.rule === rule).length;

test('a grouped problem ("also on lines 3, 4") is fixed as a group: one quick fix, every member fixed', () => {
  const doc = TextDocument.create(uri, 'dockerfile', 1, PIP);
  const findings = lintDetailed(PIP, { dockerignoreExists: true });
  const ds = editorDiagnostics(doc, PIP, findings);
  const grouped = ds.find((d) => d.code === 'DS006' && d.relatedInformation?.length);
  if (!grouped) return assert.fail(`a grouped DS006 expected: ${JSON.stringify(ds.map((d) => d.message))}`);
  assert.match(grouped.message, /also on lines 3, 4/);
  const actions = codeActions(doc, params(doc, [grouped]), findings, { dockerignoreExists: true }, '', { annotations: true });
  const fix = actions.find((a) => a.title.startsWith('Add --no-cache-dir'));
  assert.equal(fix?.title, 'Add --no-cache-dir (3 lines)');
  const after = applyChange(doc, fix);
  assert.equal(after.match(/pip3 install --no-cache-dir/g)?.length, 3, after);
  assert.match(after, /^RUN pip3 install gunicorn$/m, 'the separate finding on line 6 is its own problem');
  assert.equal(count(after, 'DS006'), count(PIP, 'DS006') - 3);
  for (const rule of ['DS001', 'DS003', 'DS004']) assert.ok(count(after, rule) <= count(PIP, rule), `${rule} did not rise`);
  // A lone finding keeps its plain title.
  const lone = ds.find((d) => d.code === 'DS006' && !d.relatedInformation?.length) as Diagnostic;
  assert.ok(codeActions(doc, params(doc, [lone]), findings, { dockerignoreExists: true }, '', {}).some((a) => a.title === 'Add --no-cache-dir'));
});

test('"Fix all DSxxx problems in this file": that rule\'s safe fixes only, offered when the rule has more than one', () => {
  const doc = TextDocument.create(uri, 'dockerfile', 1, PIP);
  const findings = lintDetailed(PIP, { dockerignoreExists: true });
  const ds = editorDiagnostics(doc, PIP, findings);
  const actions = codeActions(doc, params(doc, ds), findings, { dockerignoreExists: true }, '', { annotations: true });
  const ruleAll = actions.find((a) => a.title.startsWith('Fix all DS006 problems in this file'));
  assert.equal(ruleAll?.title, 'Fix all DS006 problems in this file (4 fixes)');
  assert.equal(ruleAll?.kind, 'quickfix');
  const after = applyChange(doc, ruleAll);
  assert.equal(count(after, 'DS006'), 0, after);
  assert.equal(count(after, 'DS001'), count(PIP, 'DS001'), 'other rules untouched');
  assert.ok(!actions.some((a) => a.title.startsWith('Fix all DS001 problems')), 'DS001 has one finding: its quick fix is enough');
  // Only safe fixes: DS011's unsafe base swap is never part of a rule's fix-all.
  const full = 'FROM python:3.12\nRUN pip install a\nRUN pip install b\n';
  const d2 = TextDocument.create(uri, 'dockerfile', 1, full);
  const f2 = lintDetailed(full, { dockerignoreExists: true });
  const a2 = codeActions(d2, params(d2, editorDiagnostics(d2, full, f2)), f2, { dockerignoreExists: true }, '', {});
  assert.ok(!a2.some((a) => a.title.startsWith('Fix all DS011')));
  assert.match(
    applyChange(
      d2,
      a2.find((a) => a.title.startsWith('Fix all DS006')),
    ),
    /^FROM python:3\.12$/m,
  );
});

test('Optimize (unsafe): one annotated edit per fix, unsafe ones unticked and saying why; the ticked ones equal the safe fix-all', () => {
  const text = 'FROM python:3.12\nRUN pip install requests\nCMD ["python"]\n';
  const doc = TextDocument.create(uri, 'dockerfile', 1, text);
  const findings = lintDetailed(text, { dockerignoreExists: true });
  const [all] = codeActions(doc, params(doc, [], ['source.dockerfileSlim.optimizeUnsafe']), findings, { dockerignoreExists: true }, '', { annotations: true });
  const ann = all?.edit?.changeAnnotations ?? {};
  const edits = (all?.edit?.documentChanges?.[0] as TextDocumentEdit).edits as AnnotatedTextEdit[];
  assert.equal(edits.length, Object.keys(ann).length, 'one edit per fix');
  const byLabel = Object.fromEntries(Object.values(ann).map((a) => [a.label, a]));
  assert.deepEqual(Object.keys(byLabel).sort(), ['DS006 line 2: Add --no-cache-dir', 'DS011 line 1: Use python:3.12-slim']);
  assert.equal(byLabel['DS011 line 1: Use python:3.12-slim']?.needsConfirmation, true);
  assert.match(byLabel['DS011 line 1: Use python:3.12-slim']?.description ?? '', /^unsafe: fewer packages/);
  assert.equal(byLabel['DS006 line 2: Add --no-cache-dir']?.needsConfirmation, false);
  // What VS Code applies with the default choices: the edits whose annotation needs no confirmation.
  const ticked = edits.filter((e) => ann[e.annotationId]?.needsConfirmation === false);
  const [safe] = codeActions(doc, params(doc, [], ['source.fixAll.dockerfileSlim']), findings, { dockerignoreExists: true }, '', {});
  assert.equal(TextDocument.applyEdits(doc, ticked), applyChange(doc, safe));
  assert.match(TextDocument.applyEdits(doc, ticked), /^FROM python:3\.12\nRUN pip install --no-cache-dir requests$/m);
});

test('a fix with several edits is one preview entry; the menu fix-all creates no file beside its Dockerfile edits', () => {
  const text = 'FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /app\n';
  const doc = TextDocument.create(uri, 'dockerfile', 1, text);
  const findings = lintDetailed(text, { dockerignoreExists: false });
  const [opt] = codeActions(doc, params(doc, [], ['source.fixAll.dockerfileSlim']), findings, { dockerignoreExists: false }, '/tmp/dsl-editor', {
    annotations: true,
  });
  assert.ok(Object.keys(opt?.edit?.changeAnnotations ?? {}).length >= 3);
  const edits = (opt?.edit?.documentChanges?.[0] as TextDocumentEdit).edits as AnnotatedTextEdit[];
  const perAnnotation = new Map<string, number>();
  for (const e of edits) perAnnotation.set(e.annotationId, (perAnnotation.get(e.annotationId) ?? 0) + 1);
  assert.ok(
    [...perAnnotation.values()].every((n) => n === 1),
    JSON.stringify(edits),
  );
  assert.ok(
    opt?.edit?.documentChanges?.some((c) => 'kind' in c && c.kind === 'create'),
    'Optimize creates the .dockerignore (its own entry)',
  );
  const menu = codeActions(doc, params(doc, editorDiagnostics(doc, text, findings)), findings, { dockerignoreExists: false }, '/tmp/dsl-editor', {
    annotations: true,
  }).find((a) => a.title.startsWith('Fix all safe Dockerfile Slim problems'));
  assert.ok(menu, 'offered');
  assert.ok(!menu.edit?.documentChanges?.some((c) => 'kind' in c), 'no file created by the quick-fix fix-all (VS Code would save the Dockerfile)');
});
