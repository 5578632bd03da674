/**
 * Moving the cached findings of an unchanged group of stage chunks to where the chunks now sit
 * in the document: offsets and lines shift by their chunk's move, columns stay. Messages that
 * name lines ("at line 12", "lines 3, 4") are rebased too; when a number could be a line but
 * is not written as one, the findings are not reused (the caller lints the group again).
 */
import type { DetailedFinding, Edit } from '../kernel/types.js';

/** Where one chunk of a group sat (old) and sits (new). */
export interface Placement {
  start: number;
  end: number;
  /** 0-based first line and number of line breaks in the chunk. */
  line: number;
  breaks: number;
}

export interface Move {
  from: Placement;
  to: Placement;
}

const LINE_CONTEXT = /(?:\blines? |\bto |, )$/;

function byOffset(moves: readonly Move[], o: number): Move | undefined {
  return moves.find((m) => m.from.start <= o && o < m.from.end) ?? moves.find((m) => o === m.from.end);
}

function byLine(moves: readonly Move[], line0: number): Move | undefined {
  return moves.find((m) => m.from.line <= line0 && line0 <= m.from.line + m.from.breaks);
}

class Unshiftable extends Error {}

function offset(moves: readonly Move[], o: number): number {
  const m = byOffset(moves, o);
  if (!m) throw new Unshiftable();
  return o - m.from.start + m.to.start;
}

function lineOfOffset(moves: readonly Move[], o: number, line0: number): number {
  const m = byOffset(moves, o);
  if (!m) throw new Unshiftable();
  return line0 - m.from.line + m.to.line;
}

/** Rebases 1-based line numbers written in text; throws when a number is ambiguous. */
function rebaseLines(moves: readonly Move[], s: string): string {
  return s.replace(/\d+/g, (digits, at: number) => {
    const n = Number(digits);
    const m = byLine(moves, n - 1);
    if (!m || m.from.line === m.to.line) return digits;
    if (!LINE_CONTEXT.test(s.slice(Math.max(0, at - 8), at)) || /[\d.:]/.test(s[at - 1] ?? '')) throw new Unshiftable();
    return String(n - m.from.line + m.to.line);
  });
}

function shiftOne(moves: readonly Move[], f: DetailedFinding, linesMoved: boolean): DetailedFinding {
  const rebaseText = linesMoved ? rebaseLines : (_: readonly Move[], s: string): string => s;
  const out: DetailedFinding = {
    ...f,
    message: rebaseText(moves, f.message),
    start: offset(moves, f.start),
    end: offset(moves, f.end),
    line: lineOfOffset(moves, f.start, f.line - 1) + 1,
    endLine: lineOfOffset(moves, f.end, f.endLine - 1) + 1,
  };
  const im = byLine(moves, f.instrLine);
  if (!im) throw new Unshiftable();
  out.instrLine = f.instrLine - im.from.line + im.to.line;
  if (f.fix) out.fix = { ...f.fix, title: rebaseText(moves, f.fix.title) };
  if (f.fixDetail) {
    const edits: Edit[] = f.fixDetail.edits.map((e) => ({ ...e, start: offset(moves, e.start), end: offset(moves, e.end), text: rebaseText(moves, e.text) }));
    out.fixDetail = { ...f.fixDetail, title: rebaseText(moves, f.fixDetail.title), edits };
    if (f.fixDetail.unsafeReason) out.fixDetail.unsafeReason = rebaseText(moves, f.fixDetail.unsafeReason);
  }
  if (f.alternatives) {
    out.alternatives = f.alternatives.map((a) => ({
      ...a,
      title: rebaseText(moves, a.title),
      edits: a.edits.map((e) => ({ ...e, start: offset(moves, e.start), end: offset(moves, e.end), text: rebaseText(moves, e.text) })),
    }));
  }
  return out;
}

/** The findings moved with their chunks, or null when they cannot be moved exactly. */
export function shiftFindings(findings: readonly DetailedFinding[], moves: readonly Move[]): DetailedFinding[] | null {
  if (moves.every((m) => m.from.start === m.to.start && m.from.line === m.to.line)) return [...findings];
  try {
    const linesMoved = moves.some((m) => m.from.line !== m.to.line);
    return findings.map((f) => shiftOne(moves, f, linesMoved));
  } catch (e) {
    if (e instanceof Unshiftable) return null;
    throw e;
  }
}

/** Union-find over small integer ids. */
export class Groups {
  private readonly parent: number[];

  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    while (this.parent[i] !== r) {
      const next = this.parent[i] as number;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  /** Members of each group, groups in order of their smallest member. */
  list(): number[][] {
    const by = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.find(i);
      const g = by.get(r) ?? [];
      g.push(i);
      by.set(r, g);
    }
    return [...by.values()];
  }
}
