/**
 * Per-document linting for the server. Results are cached by exact text and options, so a
 * code-action request right after a lint costs nothing. (Re-using unchanged stages between
 * edits of very large files is done here, behind the same API, and must give results identical
 * to a full lint.)
 */
import { lintDetailed } from './engine/lint.js';
import type { DetailedFinding, LintOptions } from './engine/types.js';

interface Entry {
  text: string;
  optionsKey: string;
  findings: DetailedFinding[];
}

export class IncrementalLinter {
  private readonly entries = new Map<string, Entry>();

  lint(uri: string, text: string, options: LintOptions): DetailedFinding[] {
    const optionsKey = JSON.stringify(options);
    const prev = this.entries.get(uri);
    if (prev && prev.text === text && prev.optionsKey === optionsKey) return prev.findings;
    const findings = lintDetailed(text, options);
    this.entries.set(uri, { text, optionsKey, findings });
    return findings;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
