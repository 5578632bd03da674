// Bounded work for the layer CodeLens (no vscode import: unit-tested directly). A Dockerfile past the size
// cap gets one quiet lens instead of a parse, and wasted bytes are computed once per built image and
// Dockerfile, not once per keystroke: later edits only move the results to the lines that now hold the
// same instructions.
import { attributeWaste, measuredInstructions, type FinalStage, type LineWaste, type SavedImage } from '../../common/src/image-layers/index.js';
import type { MeasuredInstruction } from '../../common/src/image-layers/measured.js';

/** Largest Dockerfile the lens parses (the largest of 274 real-world Dockerfiles is 30 KB). */
export const LENS_MAX_CHARS = 128 * 1024;
export const LENS_MAX_LINES = 4000;

/** True when the text is too large for the lens: checked before anything parses it. */
export function tooLargeForLenses(text: string): boolean {
  if (text.length > LENS_MAX_CHARS) return true;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (++lines > LENS_MAX_LINES) return true;
  return false;
}

export const TOO_LARGE_TITLE = `Layer sizes: not shown for files over ${LENS_MAX_CHARS / 1024} KB or ${LENS_MAX_LINES} lines`;
export const UNREADABLE_TITLE = 'Wasted bytes: could not read the layers';

/** Position-free identity of each final-stage line: instruction text plus its occurrence number. */
function lineKeys(stage: FinalStage): Map<number, string> {
  const keys = new Map<number, string>();
  if (stage.fromLine > 0) keys.set(stage.fromLine, '\0from');
  const seen = new Map<string, number>();
  for (const i of stage.instructions) {
    const n = (seen.get(i.text) ?? 0) + 1;
    seen.set(i.text, n);
    keys.set(i.line, `${i.text}\0${n}`);
  }
  return keys;
}

interface Computed {
  /** Waste by instruction key, lines as they were when computed. */
  byKey: Map<string, LineWaste>;
  /** Line at compute time → instruction key. */
  keyOfLine: Map<number, string>;
  /** What each instruction measured (sent to the server once): position-free already. */
  measured: MeasuredInstruction[];
}

export type WasteResult = { ok: true; waste: LineWaste[]; measured: MeasuredInstruction[] } | { ok: false; error: string };

const MAX_ENTRIES = 20;

export class WasteCache {
  private readonly entries = new Map<string, Computed | { error: string }>();
  /** How many times the waste was computed or stored (for tests: once per image and document). */
  computations = 0;

  /**
   * Waste for `imageId` and document `uri`, computed from `text` on this thread the first time only (tests; the
   * extension computes in the layer worker and `store`s the answer). `stage` is the current text's final stage.
   */
  get(imageId: string, uri: string, text: string, stage: FinalStage, saved: SavedImage): WasteResult {
    const known = this.peek(imageId, uri, stage);
    if (known) return known;
    try {
      this.store(imageId, uri, stage, { waste: attributeWaste(text, saved), measured: measuredInstructions(text, saved) });
    } catch (e) {
      this.store(imageId, uri, stage, { error: e instanceof Error ? e.message : String(e) });
    }
    return this.peek(imageId, uri, stage) as WasteResult;
  }

  /** Keeps a computed answer; `stage` is the final stage of the text it was computed from. */
  store(imageId: string, uri: string, stage: FinalStage, answer: { waste: LineWaste[]; measured: MeasuredInstruction[] } | { error: string }): void {
    this.computations++;
    let entry: Computed | { error: string };
    if ('error' in answer) entry = answer;
    else {
      const keyOfLine = lineKeys(stage);
      const byKey = new Map<string, LineWaste>();
      for (const w of answer.waste) {
        const k = keyOfLine.get(w.line);
        if (k !== undefined) byKey.set(k, w);
      }
      entry = { byKey, keyOfLine, measured: answer.measured };
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${imageId}\0${uri}`, entry);
  }

  /** The kept answer moved to the lines of `stage` (the current text), or undefined when none is kept yet. */
  peek(imageId: string, uri: string, stage: FinalStage): WasteResult | undefined {
    const entry = this.entries.get(`${imageId}\0${uri}`);
    if (!entry) return undefined;
    if ('error' in entry) return { ok: false, error: entry.error };
    const now = lineKeys(stage);
    const lineOfKey = new Map([...now].map(([line, k]) => [k, line]));
    const move = (old: number | undefined): number | undefined => {
      const k = old === undefined ? undefined : entry.keyOfLine.get(old);
      return k === undefined ? undefined : lineOfKey.get(k);
    };
    const waste: LineWaste[] = [];
    for (const [line, k] of now) {
      const w = entry.byKey.get(k);
      if (!w) continue;
      waste.push({
        ...w,
        line,
        removedAt: w.removedAt.map((r) => ({ ...r, line: move(r.line) })),
        topWasted: w.topWasted.map((f) => ({ ...f, removedAtLine: move(f.removedAtLine) })),
      });
    }
    return { ok: true, waste, measured: entry.measured };
  }
}
