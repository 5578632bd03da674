// One per-line size report from `docker history` rows (and, when available, the saved image's layer tars):
// what the CLI's `layers` prints and what the editor's size history records. Pure: no Docker, no VS Code.
import { alignRows, attributeLayers } from './attribute.js';
import type { RawHistoryRow } from './history.js';
import type { SavedImage } from './image-tar.js';
import { attributeWaste } from './layer-waste.js';

export interface LineSize {
  /** 1-based line of the final-stage instruction (the final FROM line for the base image). */
  line: number;
  bytes: number;
  wastedBytes: number;
  /** The history row(s) that made the layer(s) on this line, joined by newlines. */
  createdBy: string;
  /** The instruction on this line was edited since the build (or the image barely matches): indicative only. */
  stale?: boolean;
}

export interface LayerReport {
  /** In line order; the base image on the FROM line first. */
  lines: LineSize[];
  /** Every history row's bytes: the image size `docker images` shows. */
  totalBytes: number;
  wastedBytes: number;
  /** Largest single layer (one history row) and the line it is on (undefined: no line explains it). */
  largestLayer?: { bytes: number; line: number | undefined };
  /** Per-layer sizes with their lines, oldest first (base rows on the FROM line). */
  layers: Array<{ bytes: number; line: number | undefined }>;
  fromLine: number;
  /** Final-stage instructions and how many matched a history row exactly. */
  instructions: number;
  matched: number;
  /** Too few instructions match: probably an image built from another Dockerfile. */
  untrustworthy: boolean;
  /** Wasted bytes were measured (the layer tars were read). */
  wasteMeasured: boolean;
}

export function layerReport(dockerfileText: string, historyRows: readonly RawHistoryRow[], saved?: SavedImage): LayerReport {
  const { stage, entries, targets, untrustworthy } = alignRows(dockerfileText, historyRows);
  const attributed = attributeLayers(dockerfileText, historyRows);
  const waste = saved ? attributeWaste(dockerfileText, saved) : [];
  const wasteAt = new Map(waste.map((w) => [w.line, w.wastedBytes]));
  const byLine = new Map<number, LineSize>();
  for (const a of attributed) {
    const cur = byLine.get(a.line);
    if (cur) {
      cur.bytes += a.bytes;
      cur.createdBy += `\n${a.createdBy}`;
      if (a.stale) cur.stale = true;
    } else {
      byLine.set(a.line, { line: a.line, bytes: a.bytes, wastedBytes: wasteAt.get(a.line) ?? 0, createdBy: a.createdBy, ...(a.stale ? { stale: true } : {}) });
    }
  }
  const layers = entries.map((e, k) => {
    const t = targets[k];
    const line = t?.kind === 'base' ? stage.fromLine || undefined : t?.kind === 'instruction' ? stage.instructions[t.index]?.line : undefined;
    return { bytes: e.bytes, line };
  });
  const largest = layers.reduce<LayerReport['largestLayer']>((best, l) => (!best || l.bytes > best.bytes ? l : best), undefined);
  const lines = [...byLine.values()].sort((a, b) => a.line - b.line);
  const matched = targets.filter((t) => t.kind === 'instruction' && t.exact).length;
  return {
    lines,
    totalBytes: entries.reduce((s, e) => s + e.bytes, 0),
    wastedBytes: lines.reduce((s, l) => s + l.wastedBytes, 0),
    ...(largest ? { largestLayer: largest } : {}),
    layers,
    fromLine: stage.fromLine,
    instructions: stage.instructions.length,
    matched,
    untrustworthy,
    wasteMeasured: saved !== undefined,
  };
}
