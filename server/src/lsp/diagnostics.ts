/**
 * Engine findings -> LSP diagnostics, and the link to each rule's generated doc. Shared by the server and by the
 * client's provisional diagnostics (client/src/provisional), so both show the same thing: type-only LSP imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DetailedFinding, Severity } from '../kernel/types.js';
import { focusRange, groupConsecutive, plainMessage } from './diagnostic-shaping.js';
import { DIAGNOSTIC_SOURCE } from '../../../common/src/protocol.js';

export const SOURCE = DIAGNOSTIC_SOURCE;

// DiagnosticSeverity's values (Error 1 … Hint 4), written out so that no LSP library code is bundled.
const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };

/**
 * docs/rules/ of the installed extension: dist/server.js and dist/extension.js live one folder below the root; compiled
 * to out/server/src/lsp (the tests), four.
 */
const docsDir =
  ['..', '../../../..'].map((up) => path.resolve(__dirname, up, 'docs', 'rules')).find((d) => fs.existsSync(d)) ??
  path.resolve(__dirname, '..', 'docs', 'rules');

export function docsUrl(rule: string): string {
  return pathToFileURL(path.join(docsDir, `${rule}.md`)).toString();
}

/** `text` given: the editor's shaping (one-line squiggle on the focus token, plain-text message); without it, the finding as is. */
export function toDiagnostic(f: DetailedFinding, toPos: (offset: number) => { line: number; character: number }, text?: string): Diagnostic {
  const r = text === undefined ? f : focusRange(text, f);
  const d: Diagnostic = {
    range: { start: toPos(r.start), end: toPos(r.end) },
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    source: SOURCE,
    message: text === undefined ? f.message : plainMessage(f.message),
    data: { rule: f.rule, start: f.start, end: f.end },
  };
  return d;
}

/** What the editor shows for `findings` of `doc` (whose text is `text`): shaped, then consecutive repeats grouped. */
export function editorDiagnostics(doc: TextDocument, text: string, findings: readonly DetailedFinding[]): Diagnostic[] {
  const items = findings.map((f) => ({ f, d: toDiagnostic(f, (o) => doc.positionAt(o), text) }));
  return groupConsecutive(doc, items);
}
