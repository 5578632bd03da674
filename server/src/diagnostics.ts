/** Engine findings -> LSP diagnostics, and the link to each rule's generated doc. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { DetailedFinding, Severity } from './kernel/types.js';
import { focusRange, plainMessage } from './diagnostic-shaping.js';

export const SOURCE = 'dockerfile-slim';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** docs/rules/ of the installed extension (dist/server.js lives one folder below the root). */
const docsDir = path.resolve(__dirname, '..', 'docs', 'rules');

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
