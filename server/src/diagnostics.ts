/** Engine findings -> LSP diagnostics, and the link to each rule's generated doc. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { DetailedFinding, Severity } from './engine/types.js';

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

export function toDiagnostic(f: DetailedFinding, toPos: (offset: number) => { line: number; character: number }): Diagnostic {
  const d: Diagnostic = {
    range: { start: toPos(f.start), end: toPos(f.end) },
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    source: SOURCE,
    message: f.message,
    data: { rule: f.rule, start: f.start, end: f.end },
  };
  return d;
}
