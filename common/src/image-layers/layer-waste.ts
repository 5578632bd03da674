// Puts per-layer waste (from the saved image's tars) on the Dockerfile lines that made those layers, using the
// image config's history with `empty_layer` to know which history row each layer tar belongs to.
import { alignRows } from './attribute.js';
import { rowsFromConfigHistory } from './history.js';
import type { SavedImage } from './image-tar.js';
import { computeWaste, type FileSize, type WastedFile } from './wasted.js';

export interface LineWaste {
  /** 1-based line of the instruction (or the final FROM for base layers). */
  line: number;
  /** Bytes of the layer(s) on that line, from the tars. */
  bytes: number;
  wastedBytes: number;
  /** Where the wasted bytes were removed: line (undefined when no current line explains that layer) and bytes. */
  removedAt: Array<{ line: number | undefined; bytes: number }>;
  topFiles: FileSize[];
  topWasted: Array<WastedFile & { removedAtLine: number | undefined }>;
}

/** The Dockerfile line of each layer tar (oldest first); undefined where no current line explains it. */
export function layerLines(dockerfileText: string, image: SavedImage): Array<number | undefined> | undefined {
  const { rows, layerToEntry } = rowsFromConfigHistory(
    image.config.history ?? [],
    image.layers.map((l) => l.bytes),
  );
  if (layerToEntry.length !== image.layers.length) return undefined; // history does not describe these layers
  const { stage, targets } = alignRows(dockerfileText, rows);
  return image.layers.map((_, k) => {
    const t = targets[layerToEntry[k] ?? -1];
    if (t?.kind === 'base') return stage.fromLine || undefined;
    if (t?.kind === 'instruction' && t.exact) return stage.instructions[t.index]?.line;
    return undefined; // stale or unexplained layers get no line: never pin bytes to the wrong one
  });
}

export function attributeWaste(dockerfileText: string, image: SavedImage, top = 10): LineWaste[] {
  const waste = computeWaste(image.layers, top);
  const lines = layerLines(dockerfileText, image);
  if (!lines) return [];
  const lineOfLayer = (k: number): number | undefined => lines[k];
  const byLine = new Map<number, LineWaste>();
  waste.forEach((w, k) => {
    const line = lineOfLayer(k);
    if (line === undefined) return;
    const cur = byLine.get(line) ?? { line, bytes: 0, wastedBytes: 0, removedAt: [], topFiles: [], topWasted: [] };
    cur.bytes += w.bytes;
    cur.wastedBytes += w.wastedBytes;
    for (const [layer, bytes] of w.removedBy) {
      const at = lineOfLayer(layer);
      const same = cur.removedAt.find((r) => r.line === at);
      if (same) same.bytes += bytes;
      else cur.removedAt.push({ line: at, bytes });
    }
    cur.topFiles = [...cur.topFiles, ...w.topFiles].sort((a, b) => b.bytes - a.bytes).slice(0, top);
    cur.topWasted = [...cur.topWasted, ...w.topWasted.map((f) => ({ ...f, removedAtLine: lineOfLayer(f.removedBy) }))]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top);
    byLine.set(line, cur);
  });
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
