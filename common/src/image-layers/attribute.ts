// Attribute image history rows to the final stage's instructions by sequence alignment. Rows are aligned
// oldest first against the instructions; rows before the first aligned instruction belong to the base image.
import { collapse, entriesOldestFirst, type HistoryEntry, type RawHistoryRow } from './history.js';
import { finalStage, type FinalStage, type StageInstruction } from './stage.js';

export interface LayerAttribution {
  line: number;
  bytes: number;
  createdBy: string;
  /** The row only loosely matches the instruction now on that line (edited since the build): size is indicative. */
  stale?: boolean;
}

/** Where each history row went: 'base' (summed on FROM), an instruction index, or null (no line fits). */
export type RowTarget = { kind: 'base' } | { kind: 'instruction'; index: number; exact: boolean } | { kind: 'none' };

export interface Alignment {
  stage: FinalStage;
  /** Oldest first, parallel to `targets`. */
  entries: HistoryEntry[];
  targets: RowTarget[];
  /** True when too few rows match exactly: probably another Dockerfile's image, or heavily edited. */
  untrustworthy: boolean;
}

// A partial match (same keyword, edited text) must beat leaving both the row and the instruction unaligned
// (2 * GAP) but lose to handing the row to the base image for free: a loose match never steals a base row.
const EXACT = 8;
const PARTIAL = -3;
const GAP = -2;

const tokens = (s: string): string[] =>
  s
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ') // variables are expanded in some rows and not in others
    .split(/[^A-Za-z0-9_.]+/) // CMD-SHELL vs CMD: split on '-' too
    .filter((t) => t !== '');

function copyDest(ins: StageInstruction): { dest: string; sources: string[] } {
  const parts = ins.json ?? ins.args.split(' ');
  return { dest: parts[parts.length - 1] ?? '', sources: parts.slice(0, -1) };
}

/** EXACT, PARTIAL, or null when the row cannot have come from this instruction. */
export function matchScore(ins: StageInstruction, e: HistoryEntry): number | null {
  if (e.keyword === '' || ins.keyword !== e.keyword) return null;
  const body = collapse(e.body);
  if (ins.keyword === 'RUN') {
    const expected = collapse(ins.json ? ins.json.join(' ') : [...ins.shell, ins.args].join(' '));
    // Rows may carry a `|2 V= W=3 ` build-arg prefix before the shell; everything after it must be identical.
    return body === expected || body.endsWith(` ${expected}`) ? EXACT : PARTIAL;
  }
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    const { dest, sources } = copyDest(ins);
    if (e.dest !== dest) return PARTIAL;
    if (e.sources === undefined) return EXACT; // legacy builder: sources became file:<sha>; the destination is all we have
    return collapse(e.sources.join(' ')) === collapse(sources.join(' ')) ? EXACT : PARTIAL;
  }
  // Metadata (ENV, LABEL, EXPOSE, WORKDIR, CMD…): builders re-render these (`EXPOSE map[80/tcp:{}]`,
  // `WORKDIR /app` for `WORKDIR app`), so compare word sets instead of text.
  const have = new Set(tokens(body));
  return tokens(ins.args).every((t) => have.has(t)) ? EXACT : PARTIAL;
}

export function alignRows(dockerfileText: string, historyRows: readonly RawHistoryRow[]): Alignment {
  const stage = finalStage(dockerfileText);
  const entries = entriesOldestFirst(historyRows);
  const ins = stage.instructions;
  const n = ins.length;
  const m = entries.length;
  // score[i][j]: best score aligning the first i instructions with the first j rows. Skipping rows while no
  // instruction is aligned yet (i = 0) is free: those are the base image's rows.
  const score: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(-Infinity));
  const move: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number): number => score[i]?.[j] ?? -Infinity;
  const set = (i: number, j: number, v: number, mv: number): void => {
    const row = score[i];
    const mrow = move[i];
    // `>=` on later moves prefers a match over a gap on ties, so identical base rows are not taken as ours.
    if (row && mrow && v >= (row[j] ?? -Infinity)) {
      row[j] = v;
      mrow[j] = mv;
    }
  };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) {
        set(0, 0, 0, 0);
        continue;
      }
      if (j > 0) set(i, j, at(i, j - 1) + (i === 0 ? 0 : GAP), 1); // row without instruction
      if (i > 0) set(i, j, at(i - 1, j) + GAP, 2); // instruction without row (e.g. BuildKit drops ONBUILD)
      const a = ins[i - 1];
      const e = entries[j - 1];
      if (a && e) {
        const s = matchScore(a, e);
        if (s !== null) set(i, j, at(i - 1, j - 1) + s, s === EXACT ? 3 : 4);
      }
    }
  }
  const targets: RowTarget[] = entries.map(() => ({ kind: 'none' }) as RowTarget);
  let i = n;
  let j = m;
  let exact = 0;
  while (i > 0 || j > 0) {
    const mv = move[i]?.[j] ?? 0;
    if (mv === 1) {
      j--;
      if (i === 0) targets[j] = { kind: 'base' };
    } else if (mv === 2) {
      i--;
    } else if (mv === 3 || mv === 4) {
      i--;
      j--;
      targets[j] = { kind: 'instruction', index: i, exact: mv === 3 };
      if (mv === 3) exact++;
    } else break;
  }
  const built = n > 0 ? exact / n : 1;
  return { stage, entries, targets, untrustworthy: n > 0 && m > 0 && built < 0.5 };
}

/** The contract of dist/layers.js: one element per attributed row, plus the base image's total on FROM. */
export function attributeLayers(dockerfileText: string, historyRows: readonly RawHistoryRow[]): LayerAttribution[] {
  const { stage, entries, targets, untrustworthy } = alignRows(dockerfileText, historyRows);
  const out: LayerAttribution[] = [];
  let baseBytes = 0;
  let baseRows = 0;
  entries.forEach((e, k) => {
    const t = targets[k];
    if (t?.kind === 'base') {
      baseBytes += e.bytes;
      baseRows++;
    }
  });
  if (stage.fromLine > 0) {
    const fromEntry: LayerAttribution = {
      line: stage.fromLine,
      bytes: baseBytes,
      createdBy: `FROM ${stage.fromImage} (${baseRows} base image row${baseRows === 1 ? '' : 's'})`,
    };
    if (untrustworthy) fromEntry.stale = true;
    out.push(fromEntry);
  }
  entries.forEach((e, k) => {
    const t = targets[k];
    if (t?.kind !== 'instruction') return; // rows no current line explains are never pinned anywhere
    const a = stage.instructions[t.index];
    if (!a) return;
    const item: LayerAttribution = { line: a.line, bytes: e.bytes, createdBy: e.createdBy };
    if (!t.exact || untrustworthy) item.stale = true;
    out.push(item);
  });
  return out;
}
