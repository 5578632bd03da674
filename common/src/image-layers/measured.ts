// What the last build measured per final-stage instruction, for quick fixes that can say what they save
// ("saves 21.0 MB, measured"): the layer's bytes, its wasted bytes, what it removes from earlier layers, its
// apt lists and its archives. Pure: from the saved image's layer tars.
import type { SavedImage } from './image-tar.js';
import { finalStage } from './stage.js';
import { computeWaste } from './wasted.js';
import { layerLines } from './layer-waste.js';

/** One final-stage instruction's measured bytes (sent to the server as MEASURED_SIZES_NOTIFICATION in protocol.ts). */
export interface MeasuredInstruction {
  /** The instruction's text, whitespace collapsed (finalStage().instructions[].text): survives lines moving. */
  text: string;
  /** Bytes of its layer(s). */
  bytes: number;
  /** Bytes this layer ships that a later layer removes or replaces. */
  wastedBytes: number;
  /** Bytes of earlier layers that this instruction removes or replaces (they still ship). */
  removesBytes: number;
  /** Bytes under /var/lib/apt/lists in its layer. */
  aptListsBytes: number;
  /** Bytes of archives (.tar.gz, .zip, …) in its layer. */
  archiveBytes: number;
}

const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tzst|zip|gz|bz2|xz|zst|lz4|7z|rar|jar|whl|deb|rpm|apk)$/i;

export function measuredInstructions(dockerfileText: string, image: SavedImage): MeasuredInstruction[] {
  const lines = layerLines(dockerfileText, image);
  if (!lines) return [];
  const stage = finalStage(dockerfileText);
  const waste = computeWaste(image.layers, 1);
  const byLine = new Map<number, MeasuredInstruction>();
  const at = (line: number): MeasuredInstruction | undefined => {
    const ins = stage.instructions.find((i) => i.line === line);
    if (!ins) return undefined;
    let m = byLine.get(line);
    if (!m) {
      m = { text: ins.text, bytes: 0, wastedBytes: 0, removesBytes: 0, aptListsBytes: 0, archiveBytes: 0 };
      byLine.set(line, m);
    }
    return m;
  };
  image.layers.forEach((layer, k) => {
    const line = lines[k];
    const w = waste[k];
    if (line !== undefined) {
      const m = at(line);
      if (m) {
        m.bytes += layer.bytes;
        m.wastedBytes += w?.wastedBytes ?? 0;
        for (const [path, bytes] of layer.files) {
          if (path.startsWith('var/lib/apt/lists/')) m.aptListsBytes += bytes;
          else if (ARCHIVE.test(path)) m.archiveBytes += bytes;
        }
      }
    }
    for (const [remover, bytes] of w?.removedBy ?? []) {
      const r = lines[remover];
      const m = r === undefined ? undefined : at(r);
      if (m) m.removesBytes += bytes;
    }
  });
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
}
