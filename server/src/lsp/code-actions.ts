/**
 * Code actions, computed from the current text (stateless): a quick fix per fixable
 * diagnostic, "ignore this rule here", `source.fixAll.dockerfileSlim` (all safe fixes, for
 * codeActionsOnSave) and `source.dockerfileSlim.optimizeUnsafe` (safe and unsafe fixes).
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DetailedFinding, Edit, FixOptions } from '../kernel/types.js';
import { combinedFix, fixGroups, type GroupedFix } from '../engine/fix-groups.js';
import { SOURCE } from './diagnostics.js';
import { fixAllEdit, ignoreInFileAction, needsBuildKit, shortTitle, showDocsAction, UNSAFE_QUICKFIX_KIND } from './action-helpers.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND, OPEN_CREATED_COMMAND } from '../../../common/src/protocol.js';

export { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND, OPEN_CREATED_COMMAND };
/** Client command run after a fix that creates a file: lint again and open the file. */

/** `contextDir` is the absolute build context folder ('' when unknown). */
function createFileEdit(
  doc: TextDocument,
  contextDir: string,
  file: { path: string; content: string; append?: true },
  annotationId?: string,
): NonNullable<WorkspaceEdit['documentChanges']> {
  if (!doc.uri.startsWith('file:') || !contextDir) return [];
  const dir = contextDir;
  const uri = pathToFileURL(path.join(dir, file.path)).toString();
  const a = annotationId ? { annotationId } : {};
  const existing = file.append ? readExisting(path.join(dir, file.path)) : undefined;
  if (existing !== undefined) {
    // Added at the end of the ignore file (after any `!` pattern that could bring the paths back).
    const lines = existing.split('\n');
    const end = { line: lines.length - 1, character: (lines[lines.length - 1] ?? '').length };
    const newText = `${existing === '' || existing.endsWith('\n') ? '' : '\n'}${file.content}`;
    return [{ textDocument: { uri, version: null }, edits: [{ range: { start: end, end }, newText, ...a }] }];
  }
  return [
    { kind: 'create', uri, options: { ignoreIfExists: true, overwrite: false }, ...a },
    {
      textDocument: { uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.content, ...a }],
    },
  ];
}

function readExisting(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whole-document fixes computed elsewhere (in a big document's worker), one group per fix; null: not available, offer no action. */
export type Fixer = (options: FixOptions) => GroupedFix | null;

/** What the client can do: annotated edits (one refactor-preview entry per fix) and whether its builder has BuildKit (undefined: unknown). */
export interface ClientAbilities {
  annotations?: boolean;
  buildkit?: boolean;
}

function wholeDocAction(
  doc: TextDocument,
  title: string,
  kind: string,
  options: FixOptions,
  context: string,
  abilities: ClientAbilities,
  fixer?: Fixer,
): CodeAction | null {
  const skip = abilities.buildkit === false ? (f: DetailedFinding) => !!f.fixDetail && needsBuildKit(f.fixDetail) : undefined;
  // A big document's groups come from its worker (BuildKit-only fixes are not told apart there).
  const grouped = fixer ? fixer(options) : fixGroups(doc.getText(), options, skip);
  if (!grouped) return null;
  const edit = fixAllEdit(doc, grouped, abilities.annotations === true, (file, id) => createFileEdit(doc, context, file, id));
  if (!edit) return null;
  const n = grouped.groups.reduce((s, g) => s + g.fixes.length, 0) + grouped.createFiles.length;
  return { title: `${title} (${n} fix${n === 1 ? '' : 'es'})`, kind, edit };
}

type Diag = CodeActionParams['context']['diagnostics'][number];
interface DiagData {
  rule?: string;
  start?: number;
  end?: number;
  /** Grouped repeats of the same finding (diagnostic-shaping). */
  members?: { start: number; end: number }[];
}

const textEdits = (doc: TextDocument, edits: readonly Edit[]): TextEdit[] =>
  edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text }));

/** The quick fix of one diagnostic: its finding's fix, and for a grouped problem the fixes of all its members in one edit. */
function quickFix(
  doc: TextDocument,
  d: Diag,
  f: DetailedFinding,
  findings: readonly DetailedFinding[],
  context: string,
  abilities: ClientAbilities,
): CodeAction | null {
  const fixDetail = f.fixDetail;
  if (!fixDetail || (abilities.buildkit === false && needsBuildKit(fixDetail))) return null;
  const members = ((d.data as DiagData | undefined)?.members ?? [])
    .map((m) => findings.find((x) => x.rule === f.rule && x.start === m.start && x.end === m.end))
    .filter(
      (x): x is DetailedFinding => !!x?.fixDetail && x.fixDetail.safe === fixDetail.safe && !(abilities.buildkit === false && needsBuildKit(x.fixDetail)),
    );
  const { edits, fixed } = combinedFix([f, ...members]);
  const changes: NonNullable<WorkspaceEdit['documentChanges']> = [];
  if (edits.length > 0) changes.push({ textDocument: { uri: doc.uri, version: doc.version }, edits: textEdits(doc, edits) });
  if (fixDetail.createFile) changes.push(...(createFileEdit(doc, context, fixDetail.createFile) ?? []));
  if (changes.length === 0) return null;
  const created = changes.find((c): c is { kind: 'create'; uri: string } => 'kind' in c && c.kind === 'create');
  const title = shortTitle(fixDetail, f.rule);
  return {
    ...(created ? { command: { title: 'Open the created file', command: OPEN_CREATED_COMMAND, arguments: [created.uri] } } : {}),
    title: fixed.length > 1 ? `${title} (${fixed.length} lines)` : title,
    kind: fixDetail.safe ? CodeActionKind.QuickFix : UNSAFE_QUICKFIX_KIND,
    diagnostics: [d],
    isPreferred: fixDetail.safe,
    edit: { documentChanges: changes },
  };
}

/**
 * A fix-all offered in the quick-fix menu: without files to create when it also edits the Dockerfile
 * (VS Code saves every file of a multi-file quick fix, which would save the Dockerfile behind the user's back;
 * the file-creating fix has its own quick fix).
 */
function menuFixAll(doc: TextDocument, title: string, options: FixOptions, context: string, abilities: ClientAbilities): CodeAction | null {
  const grouped = fixGroups(doc.getText(), options, abilities.buildkit === false ? (f) => !!f.fixDetail && needsBuildKit(f.fixDetail) : undefined);
  const only = grouped.groups.length > 0 ? { ...grouped, createFiles: [] } : grouped;
  const edit = fixAllEdit(doc, only, abilities.annotations === true, (file, id) => createFileEdit(doc, context, file, id));
  const n = only.groups.reduce((s, g) => s + g.fixes.length, 0) + only.createFiles.length;
  if (!edit || n < 2) return null;
  return { title: `${title} (${n} fixes)`, kind: CodeActionKind.QuickFix, edit };
}

export function codeActions(
  doc: TextDocument,
  params: CodeActionParams,
  findings: readonly DetailedFinding[],
  options: FixOptions,
  context: string,
  abilities: ClientAbilities = {},
  fixer?: Fixer,
): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const out: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    const seenRules = new Set<string>();
    const later: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const data = d.data as DiagData | undefined;
      const f =
        findings.find((x) => x.rule === d.code && x.start === data?.start && x.end === data?.end) ??
        findings.find((x) => x.rule === d.code && doc.offsetAt(d.range.start) === x.start);
      if (!f) continue;
      const main = quickFix(doc, d, f, findings, context, abilities);
      if (main) out.push(main);
      for (const alt of f.alternatives ?? []) {
        out.push({
          title: shortTitle(alt, f.rule),
          kind: alt.safe ? CodeActionKind.QuickFix : UNSAFE_QUICKFIX_KIND,
          diagnostics: [d],
          isPreferred: false,
          edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: textEdits(doc, alt.edits) }] },
        });
      }
      out.push(ignoreAction(doc, d, f));
      if (!seenRules.has(f.rule)) {
        seenRules.add(f.rule);
        // "Fix all DSxxx problems in this file": that rule's safe fixes only (small documents; a big one's fixes run in its worker).
        const ofRule = findings.filter((x) => x.rule === f.rule && x.fixDetail?.safe && !x.unshipped).length;
        const rule =
          ofRule > 1 && !fixer ? menuFixAll(doc, `Fix all ${f.rule} problems in this file`, { ...options, only: [f.rule] }, context, abilities) : null;
        later.push(...(rule ? [{ ...rule, diagnostics: [d] }] : []), ignoreInFileAction(doc, f.rule, [d]), showDocsAction(f.rule));
      }
    }
    out.push(...later);
    const fixable = findings.filter((f) => f.fixDetail?.safe && !f.unshipped).length;
    if (fixable > 1 && !fixer && params.context.diagnostics.some((d) => d.source === SOURCE)) {
      const all = menuFixAll(doc, 'Fix all safe Dockerfile Slim problems', options, context, abilities);
      if (all) out.push(all);
    }
  }
  if (only && wants(FIX_ALL_KIND)) {
    const a = wholeDocAction(doc, 'Dockerfile Slim: fix all safe problems', FIX_ALL_KIND, options, context, abilities, fixer);
    if (a) out.push(a);
  }
  if (only && only.includes(OPTIMIZE_UNSAFE_KIND)) {
    const a = wholeDocAction(
      doc,
      'Dockerfile Slim: apply all fixes, including unsafe ones',
      OPTIMIZE_UNSAFE_KIND,
      { ...options, unsafe: true },
      context,
      abilities,
      fixer,
    );
    if (a) out.push(a);
  }
  return out;
}

/** Inserts `# dockerfile-slim ignore=DSxxx` above the instruction (or extends an existing pragma). */
function ignoreAction(doc: TextDocument, d: Diag, f: DetailedFinding): CodeAction {
  const text = doc.getText();
  const lineStart = doc.offsetAt({ line: f.instrLine, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    title: `Ignore ${f.rule} for this instruction`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: {
      changes: {
        [doc.uri]: [
          { range: { start: doc.positionAt(lineStart), end: doc.positionAt(lineStart) }, newText: `${indent}# dockerfile-slim ignore=${f.rule}${eol}` },
        ],
      },
    },
  };
}
