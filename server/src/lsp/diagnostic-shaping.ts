/**
 * What the editor shows for the engine's findings (LSP adapter only; the engine, CLI and goldens keep
 * their ranges): each squiggle at most one line, on the token that matters (`install`, not a 17-line
 * package list); plain-text messages (the Problems panel shows no markdown); identical findings on
 * consecutive lines grouped into one diagnostic with related information.
 */
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DetailedFinding } from '../kernel/types.js';

/** Plain text for the Problems panel: markdown code spans lose their backticks. */
export function plainMessage(message: string): string {
  return message.replace(/`([^`]*)`/g, '$1').replace(/`/g, '');
}

/**
 * The offsets of the squiggle: the rule's focus token (`Rule.focus`) (the verb) whenever it has one, so one rule has one
 * kind of squiggle (issue 22: `install` everywhere, never sometimes the whole short call); else the
 * finding's own range when it is one line, else its first line.
 */
export function focusRange(text: string, f: Pick<DetailedFinding, 'focus' | 'start' | 'end'>): { start: number; end: number } {
  const slice = text.slice(f.start, f.end);
  const multiLine = /[\r\n]/.test(slice);
  const m = f.focus ? f.focus.exec(slice) : null;
  if (m) {
    const lead = m[0].length - m[0].trimStart().length;
    return { start: f.start + m.index + lead, end: f.start + m.index + m[0].length };
  }
  if (!multiLine) return { start: f.start, end: f.end };
  const firstLine = /^[^\r\n]*/.exec(slice)?.[0] ?? '';
  const trimmed = firstLine.replace(/[\s\\`]+$/, '');
  return { start: f.start, end: f.start + Math.max(1, trimmed.length) };
}

/**
 * Groups runs of diagnostics with the same rule and message whose findings sit on consecutive lines
 * (the next starts at most one line after the previous ends): the first stays, the rest become its
 * related information, and its message says how many more.
 */
export function groupConsecutive(doc: TextDocument, items: readonly { f: DetailedFinding; d: Diagnostic }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const used = new Set<number>();
  items.forEach((head, i) => {
    if (used.has(i)) return;
    const group = [head];
    let lastEnd = doc.positionAt(head.f.end).line;
    for (let j = i + 1; j < items.length; j++) {
      const next = items[j];
      if (!next) break;
      const line = doc.positionAt(next.f.start).line;
      if (line > lastEnd + 1) break; // sorted by start: nothing later can be consecutive
      if (used.has(j) || next.f.rule !== head.f.rule || next.d.message !== head.d.message) continue;
      used.add(j);
      group.push(next);
      lastEnd = Math.max(lastEnd, doc.positionAt(next.f.end).line);
    }
    if (group.length === 1) {
      out.push(head.d);
      return;
    }
    const rest = group.slice(1);
    const lines = rest.map((g) => g.d.range.start.line + 1);
    const related: DiagnosticRelatedInformation[] = rest.map((g) => ({
      location: { uri: doc.uri, range: g.d.range },
      message: `the same ${g.f.rule} finding (line ${g.d.range.start.line + 1})`,
    }));
    // The members' offsets, so the quick fix on the group fixes every one of them.
    const data = { ...(head.d.data as object | undefined), members: rest.map((g) => ({ start: g.f.start, end: g.f.end })) };
    out.push({
      ...head.d,
      data,
      message: `${head.d.message} (also on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`,
      relatedInformation: [...(head.d.relatedInformation ?? []), ...related],
    });
  });
  return out;
}
