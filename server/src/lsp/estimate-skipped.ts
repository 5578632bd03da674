/**
 * Why a hover has no size estimate when the document is past what the editor estimates on the fly (lint's budget:
 * a big file or a costly shape is estimated only in a worker, or not at all past 5 MB). Said only where the user
 * asks (a hover on a FROM or install line), never as a squiggle or lens; the CLI has no such limit.
 */
import type { Hover } from 'vscode-languageserver/node';

/** Lines whose hover would carry a figure: a FROM (the whole image), or a package install (its packages). */
const LINES = {
  from: /^\s*FROM\s/i,
  install: /\b(apt-get|apt|apk|dnf|yum|microdnf|pip[0-9.]*|npm|yarn|pnpm)\s.*\b(install|add|ci)\b/,
};

/** A hover saying why there is no estimate, on a line of the kind that would have one; null elsewhere. */
export function estimateSkippedHover(kind: keyof typeof LINES, lineText: string, why: string): Hover | null {
  if (!LINES[kind].test(lineText) || (kind === 'install' && LINES.from.test(lineText))) return null;
  return {
    contents: {
      kind: 'markdown',
      value: `No size estimate here: ${why}. \`dockerfile-slim estimate <file>\` gives the figures from a terminal.`,
    },
  };
}

/** The hovered line of a text (no model needed: the text may be too big to parse on this thread). */
export function lineAt(text: string, line: number): string {
  let start = 0;
  for (let k = 0; k < line && start >= 0; k++) {
    const nl = text.indexOf('\n', start);
    start = nl < 0 ? -1 : nl + 1;
  }
  if (start < 0) return '';
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}
