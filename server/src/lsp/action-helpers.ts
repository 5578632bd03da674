/**
 * What the code-action menu shows, decided in one place (rules only say what they fix):
 * short plain titles, the unsafe kind, BuildKit-only fixes, "Show documentation" and
 * "Ignore in this file", and the fix-all edit with one change annotation per fix (so the
 * refactor preview lists each fix as its own entry; safe ones ticked, unsafe ones not).
 */
import type { ChangeAnnotation, CodeAction, TextDocumentEdit, WorkspaceEdit, AnnotatedTextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Fix } from '../kernel/types.js';
import type { FixGroup, FixGroupMember, GroupedFix } from '../engine/fix-groups.js';
import { UNSAFE_QUICKFIX_KIND, SHOW_DOCS_COMMAND } from '../../../common/src/protocol.js';

/** Unsafe quick fixes: still quick fixes (same menu), but a kind of their own that clients and keybindings can filter. */
export { UNSAFE_QUICKFIX_KIND, SHOW_DOCS_COMMAND };

/** Fixes that only build with BuildKit (`COPY --chmod`, `RUN --mount`): the rule says so on the fix. */
export function needsBuildKit(fix: Pick<Fix, 'buildkitOnly'>): boolean {
  return fix.buildkitOnly === true;
}

/** A reason-like aside a rule appends to an unsafe fix's title ("(recommends of x not reviewed)", "(fewer packages)"). */
const REASON_ASIDE = /\s*\(((?:unsafe:|check first|review)[^)]*|[^)]*(?:not reviewed|fewer|runs again|instead of|may need)[^)]*)\)/i;
/** Why a rule's unsafe fixes are unsafe, when the fix itself does not say. */
const RULE_REASON: Record<string, string> = {
  DS010: 'the runtime stage may lack files the app needs',
  DS011: 'fewer packages',
  DS014: 'removes packages the image may still need at run time',
};
const MAX_REASON = 60;

/** Why an unsafe fix is unsafe, in a few words: the rule's own `unsafeReason`, its title's aside, or the rule's usual reason. */
export function unsafeReason(fix: Pick<Fix, 'title' | 'safe' | 'buildkitOnly' | 'unsafeReason'>, rule?: string): string {
  const own = fix.unsafeReason;
  let r = own ?? REASON_ASIDE.exec(fix.title.replace(/`/g, ''))?.[1]?.replace(/^unsafe:\s*/i, '') ?? (rule ? RULE_REASON[rule] : undefined);
  r = (r ?? (needsBuildKit(fix) ? 'needs BuildKit' : 'changes what the image contains; review it first')).trim();
  return r.length > MAX_REASON ? `${r.slice(0, MAX_REASON - 1).trimEnd()}…` : r;
}

/**
 * A menu title: plain text (no markdown backticks), without the long parenthetical asides rules
 * append ("(unsafe: …)", "(BuildKit only)", "(check first: …)", or any aside over 40 characters),
 * then a short suffix as the CLI marks it: " (unsafe: <why>)", " (BuildKit)" or " (unsafe: <why>; BuildKit)".
 */
export function shortTitle(fix: Pick<Fix, 'title' | 'safe' | 'buildkitOnly' | 'unsafeReason'>, rule?: string): string {
  const t = bareTitle(fix.title);
  const reason = fix.safe ? '' : unsafeReason(fix, rule);
  const tags = [...(fix.safe ? [] : [`unsafe: ${reason}`]), ...(needsBuildKit(fix) && !reason.includes('BuildKit') ? ['BuildKit'] : [])];
  return tags.length ? `${t} (${tags.join('; ')})` : t;
}

const MAX_TITLE = 72;

/** A fix's title without backticks, reasons and long asides; a long one loses its trailing ", …" clauses. */
export function bareTitle(title: string): string {
  let t = title
    .replace(/`/g, '')
    .replace(REASON_ASIDE, '')
    .replace(/\s*\((?:unsafe|BuildKit only|check first|review)[^)]*\)/gi, '')
    .replace(/\s*\([^)]{40,}\)/g, '')
    .trim();
  while (t.length > MAX_TITLE && t.lastIndexOf(', ') > 20) t = t.slice(0, t.lastIndexOf(', '));
  return t;
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

/** A group member as the fix it came from: its title, unsafe reason and BuildKit need. */
const asFix = (f: FixGroupMember): Pick<Fix, 'title' | 'safe' | 'buildkitOnly' | 'unsafeReason'> => ({
  title: f.title,
  safe: f.safe,
  ...(f.reason ? { unsafeReason: f.reason } : {}),
  ...(f.buildkitOnly ? { buildkitOnly: true } : {}),
});

/** What a fix's preview entry says: "DS004 line 3: Add --no-install-recommends"; unsafe ones say why in the description. */
function groupLabel(doc: TextDocument, g: FixGroup): { label: string; description: string } {
  const line = doc.positionAt(g.edits[0]?.start ?? 0).line + 1;
  const titles = g.fixes.map((f) => bareTitle(f.title));
  const rules = [...new Set(g.fixes.map((f) => f.rule))].join(' + ');
  const unsafe = g.fixes.filter((f) => !f.safe).map((f) => unsafeReason(asFix(f), f.rule));
  return {
    label: `${rules} line ${line}: ${[...new Set(titles)].join(' + ')}`,
    description: unsafe.length ? `unsafe: ${[...new Set(unsafe)].join('; ')} (unticked: tick to apply)` : 'safe',
  };
}

/**
 * A fix's edits as one edit spanning them all (the untouched text between is rewritten as is), so the
 * preview shows one row per fix; kept apart only where another fix's edit lies in between.
 */
function oneEditPerFix(text: string, groups: readonly FixGroup[]): Edit[][] {
  const all = groups.flatMap((g, i) => g.edits.map((e) => ({ ...e, g: i })));
  return groups.map((g, i) => {
    if (g.edits.length < 2) return g.edits;
    const sorted = [...g.edits].sort((a, b) => a.start - b.start);
    const start = sorted[0]?.start ?? 0;
    const end = Math.max(...sorted.map((e) => e.end));
    if (all.some((e) => e.g !== i && e.start < end && e.end > start)) return sorted;
    let out = '';
    let at = start;
    for (const e of sorted) {
      out += text.slice(at, e.start) + e.text;
      at = e.end;
    }
    return [{ start, end, text: out }];
  });
}

/**
 * The fix-all edit. With annotation support: one annotated edit per fix (safe ones need no
 * confirmation, unsafe ones do, so they start unticked). Without: the same edits, unannotated.
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
  const labels = new Set<string>();
  const text = doc.getText();
  const merged = oneEditPerFix(text, grouped.groups);
  grouped.groups.forEach((g, i) => {
    const id = `dockerfile-slim.fix.${i}`;
    const l = groupLabel(doc, g);
    // VS Code groups preview entries by label: each fix its own.
    let label = l.label;
    for (let n = 2; labels.has(label); n++) label = `${l.label} (${n})`;
    labels.add(label);
    changeAnnotations[id] = { label, description: l.description, needsConfirmation: !g.safe };
    for (const e of merged[i] ?? []) edits.push({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text, annotationId: id });
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
    changeAnnotations[id] = {
      label: `${fix.rule}: ${bareTitle(fix.title)}`,
      description: fix.safe ? 'safe' : `unsafe: ${unsafeReason(asFix(fix), fix.rule)}`,
      needsConfirmation: !fix.safe,
    };
    changes.push(...createFileEdits(file, annotations ? id : undefined));
  });
  if (changes.length === 0) return null;
  return annotations ? { documentChanges: changes, changeAnnotations } : { documentChanges: changes };
}
