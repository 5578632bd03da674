/**
 * What the code-action menu shows, decided in one place (rules only say what they fix):
 * short plain titles, the unsafe kind, BuildKit-only fixes, "Show documentation" and
 * "Ignore in this file", and the fix-all edit with one change annotation per fix (so the
 * refactor preview lists each fix as its own entry; safe ones ticked, unsafe ones not).
 */
import type { ChangeAnnotation, CodeAction, TextDocumentEdit, WorkspaceEdit, AnnotatedTextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Fix } from '../kernel/types.js';
import type { FixGroup, GroupedFix } from '../engine/fix-groups.js';
import { UNSAFE_QUICKFIX_KIND, SHOW_DOCS_COMMAND } from '../../../common/src/protocol.js';

/** Unsafe quick fixes: still quick fixes (same menu), but a kind of their own that clients and keybindings can filter. */
export { UNSAFE_QUICKFIX_KIND, SHOW_DOCS_COMMAND };

/** Fixes that only build with BuildKit (`COPY --chmod`, `RUN --mount`): the rule says so on the fix. */
export function needsBuildKit(fix: Pick<Fix, 'buildkitOnly'>): boolean {
  return fix.buildkitOnly === true;
}

/**
 * A menu title: plain text (no markdown backticks), without asides of 40 characters or more
 * ("(Node → node:20-slim, production dependencies only)"), then a short suffix from the fix's own
 * fields: " (unsafe)", " (BuildKit)" or " (unsafe, BuildKit)". Why it is unsafe (`unsafeReason`)
 * is in the CLI's and SARIF's full title (`fixTitle`).
 */
export function shortTitle(fix: Pick<Fix, 'title' | 'safe' | 'buildkitOnly'>): string {
  const t = fix.title
    .replace(/`/g, '')
    .replace(/\s*\([^)]{40,}\)/g, '')
    .trim();
  const tags = [...(fix.safe ? [] : ['unsafe']), ...(needsBuildKit(fix) ? ['BuildKit'] : [])];
  return tags.length ? `${t} (${tags.join(', ')})` : t;
}

export function showDocsAction(rule: string): CodeAction {
  return {
    title: `Show documentation for ${rule}`,
    kind: 'quickfix',
    command: { title: `Show documentation for ${rule}`, command: SHOW_DOCS_COMMAND, arguments: [rule] },
  };
}

const PARSER_DIRECTIVE = /^#\s*(syntax|escape|check)\s*=/i;
const GLOBAL_PRAGMA = /^(#\s*dockerfile-slim\s+global\s+ignore\s*=\s*[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)/;

/** "Ignore DSxxx in this file": extends an existing `# dockerfile-slim global ignore=` line or adds one after the parser directives. */
export function ignoreInFileAction(doc: TextDocument, rule: string, diagnostics: CodeAction['diagnostics']): CodeAction {
  const text = doc.getText();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  let edit: { line: number; character: number; newText: string } | undefined;
  for (let i = 0; i < lines.length && !edit; i++) {
    const m = GLOBAL_PRAGMA.exec(lines[i] ?? '');
    if (m?.[1]) edit = { line: i, character: m[1].length, newText: `,${rule}` };
  }
  if (!edit) {
    let at = 0;
    while (at < lines.length && PARSER_DIRECTIVE.test(lines[at] ?? '')) at++;
    edit = { line: at, character: 0, newText: `# dockerfile-slim global ignore=${rule}${eol}` };
  }
  const pos = { line: edit.line, character: edit.character };
  return {
    title: `Ignore ${rule} in this file`,
    kind: 'quickfix',
    diagnostics,
    edit: { changes: { [doc.uri]: [{ range: { start: pos, end: pos }, newText: edit.newText }] } },
  };
}

function groupLabel(doc: TextDocument, g: FixGroup): { label: string; description: string } {
  const line = doc.positionAt(g.edits[0]?.start ?? 0).line + 1;
  const titles = g.fixes.map((f) => shortTitle(f));
  return { label: `Line ${line}: ${[...new Set(titles)].join(' + ')}`, description: [...new Set(g.fixes.map((f) => f.rule))].join(', ') };
}

/**
 * The fix-all edit. With annotation support: one annotated group of edits per fix (safe ones
 * need no confirmation, unsafe ones do). Without: the same edits, unannotated.
 * `createFileEdits` turns a file to create into LSP document changes ([] when it cannot).
 */
export function fixAllEdit(
  doc: TextDocument,
  grouped: GroupedFix,
  annotations: boolean,
  createFileEdits: (file: GroupedFix['createFiles'][number]['file'], annotationId?: string) => NonNullable<WorkspaceEdit['documentChanges']>,
): WorkspaceEdit | null {
  const changeAnnotations: Record<string, ChangeAnnotation> = {};
  const edits: AnnotatedTextEdit[] = [];
  grouped.groups.forEach((g, i) => {
    const id = `dockerfile-slim.fix.${i}`;
    changeAnnotations[id] = { ...groupLabel(doc, g), needsConfirmation: !g.safe };
    for (const e of g.edits) edits.push({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text, annotationId: id });
  });
  const changes: NonNullable<WorkspaceEdit['documentChanges']> = [];
  if (edits.length > 0) {
    const docEdit: TextDocumentEdit = {
      textDocument: { uri: doc.uri, version: doc.version },
      edits: annotations ? edits : edits.map(({ range, newText }) => ({ range, newText })),
    };
    changes.push(docEdit);
  }
  grouped.createFiles.forEach(({ file, fix }, i) => {
    const id = `dockerfile-slim.create.${i}`;
    changeAnnotations[id] = { label: shortTitle(fix), description: fix.rule, needsConfirmation: !fix.safe };
    changes.push(...createFileEdits(file, annotations ? id : undefined));
  });
  if (changes.length === 0) return null;
  return annotations ? { documentChanges: changes, changeAnnotations } : { documentChanges: changes };
}
