// Attribute image history rows to the final stage's instructions by sequence alignment. Rows are aligned
// oldest first against the instructions; rows before the first aligned instruction belong to the base image.
import { baseEntry, collapse, entriesOldestFirst, type HistoryEntry, type RawHistoryRow } from './history.js';
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
/** Per-object memos: matchScore is called for every cell of the alignment band. */
const collapsedBody = new WeakMap<HistoryEntry, string>();
const bodyTokens = new WeakMap<HistoryEntry, Set<string>>();
const expectedRun = new WeakMap<StageInstruction, string>();
const argTokens = new WeakMap<StageInstruction, string[]>();

function memo<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/** EXACT, PARTIAL, or null when the row cannot have come from this instruction. */
export function matchScore(ins: StageInstruction, e: HistoryEntry): number | null {
  if (e.keyword === '' || ins.keyword !== e.keyword) return null;
  const body = memo(collapsedBody, e, () => collapse(e.body));
  if (ins.keyword === 'RUN') {
    const expected = memo(expectedRun, ins, () => collapse(ins.json ? ins.json.join(' ') : [...ins.shell, ins.args].join(' ')));
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
  const have = memo(bodyTokens, e, () => new Set(tokens(body)));
  return memo(argTokens, ins, () => tokens(ins.args)).every((t) => have.has(t)) ? EXACT : PARTIAL;
}

/**
 * Bounds (issue 27: 1,000 instructions against 60,000 rows took 99 s and 1.1 GB in the extension host). Only the
 * newest MAX_ROWS rows are aligned (older ones are the base image's), and the alignment is a band of ±BAND rows
 * around the diagonal that ends at the newest row: the final stage's rows are the newest, in order, so an edit
 * shifts the path by the rows it added or removed. Work and memory: instructions × (2 × BAND + 1).
 */
export const MAX_ROWS = 5000;
export const BAND = 64;
/** Cells of the band at most (a 1 MB Dockerfile of 100,000 instructions narrows it to ±40). */
const MAX_CELLS = 8_000_000;

/** One text and one rows array aligned last (the lens, the report and the waste ask for the same pair in turn). */
let last: { text: string; rows: readonly RawHistoryRow[]; result: Alignment } | undefined;

export function alignRows(dockerfileText: string, historyRows: readonly RawHistoryRow[]): Alignment {
  if (last && last.text === dockerfileText && last.rows === historyRows) return last.result;
  const result = align(dockerfileText, historyRows);
  last = { text: dockerfileText, rows: historyRows, result };
  return result;
}

function align(dockerfileText: string, historyRows: readonly RawHistoryRow[]): Alignment {
  const stage = finalStage(dockerfileText);
  // Rows are newest first: only the newest MAX_ROWS are parsed for matching; older ones are counted as the base's.
  const skipped = Math.max(0, historyRows.length - MAX_ROWS);
  const entries = entriesOldestFirst(historyRows.slice(0, MAX_ROWS));
  const all = [...historyRows.slice(MAX_ROWS).map(baseEntry).reverse(), ...entries];
  const ins = stage.instructions;
  const n = ins.length;
  const m = entries.length;
  const d = m - n;
  const band = Math.max(8, Math.min(BAND, Math.floor(MAX_CELLS / (2 * (n + 1)))));
  // Row i of the band covers j in [lo(i), hi(i)]; row 0 (no instruction yet) is all zeros: skipping base rows is free.
  const lo = (i: number): number => Math.max(0, Math.min(m, i + d - band));
  const hi = (i: number): number => Math.max(0, Math.min(m, i + d + band));
  const width = 2 * band + 1;
  const score = new Float64Array((n + 1) * width).fill(-Infinity);
  const move = new Uint8Array((n + 1) * width);
  const inBand = (i: number, j: number): boolean => (i === 0 ? j >= 0 && j <= m : j >= lo(i) && j <= hi(i));
  const moveAt = (i: number, j: number): number => (i === 0 ? (j > 0 ? 1 : 0) : inBand(i, j) ? (move[i * width + j - lo(i)] as number) : 0);
  for (let i = 1; i <= n; i++) {
    const a = ins[i - 1] as StageInstruction;
    const rowLo = lo(i);
    const base = i * width - rowLo;
    const prevLo = i === 1 ? 0 : lo(i - 1);
    const prevHi = i === 1 ? m : hi(i - 1);
    const prevBase = (i - 1) * width - prevLo;
    const prev = (j: number): number => (j < prevLo || j > prevHi ? -Infinity : i === 1 ? 0 : (score[prevBase + j] as number));
    for (let j = rowLo, end = hi(i); j <= end; j++) {
      // `>=` on later moves prefers a match over a gap on ties, so identical base rows are not taken as ours.
      let best = j > rowLo ? (score[base + j - 1] as number) + GAP : -Infinity; // row without instruction
      let mv = best > -Infinity ? 1 : 0;
      const up = prev(j) + GAP; // instruction without row (e.g. BuildKit drops ONBUILD)
      if (up >= best && up > -Infinity) [best, mv] = [up, 2];
      const e = entries[j - 1];
      if (e) {
        const sc = matchScore(a, e);
        const diag = sc === null ? -Infinity : prev(j - 1) + sc;
        if (diag >= best && diag > -Infinity) [best, mv] = [diag, sc === EXACT ? 3 : 4];
      }
      score[base + j] = best;
      move[base + j] = mv;
    }
  }
  const targets: RowTarget[] = all.map((_, k) => (k < skipped ? { kind: 'base' } : { kind: 'none' }) as RowTarget);
  let i = n;
  let j = m;
  let exact = 0;
  while (i > 0 || j > 0) {
    const mv = moveAt(i, j);
    if (mv === 1) {
      j--;
      if (i === 0) targets[skipped + j] = { kind: 'base' };
    } else if (mv === 2) {
      i--;
    } else if (mv === 3 || mv === 4) {
      i--;
      j--;
      targets[skipped + j] = { kind: 'instruction', index: i, exact: mv === 3 };
      if (mv === 3) exact++;
    } else break;
  }
  const built = n > 0 ? exact / n : 1;
  return { stage, entries: all, targets, untrustworthy: n > 0 && m > 0 && built < 0.5 };
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
