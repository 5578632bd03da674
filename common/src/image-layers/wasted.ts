// Wasted bytes: files a layer ships that a later layer deletes (whiteout, opaque directory) or overwrites.
// They still travel with the image, which is why `apk del` in a later RUN never makes an image smaller.
import type { LayerFiles } from './image-tar.js';

export interface FileSize {
  path: string;
  bytes: number;
}

export interface WastedFile extends FileSize {
  /** Index (oldest first) of the layer that deleted or replaced the file. */
  removedBy: number;
  how: 'deleted' | 'overwritten';
}

export interface LayerWaste {
  /** Layer index, oldest first. */
  layer: number;
  bytes: number;
  wastedBytes: number;
  /** Wasted bytes per removing layer index. */
  removedBy: Map<number, number>;
  /** Biggest files of this layer (up to `top`). */
  topFiles: FileSize[];
  /** Biggest wasted files (up to `top`). */
  topWasted: WastedFile[];
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let i = path.lastIndexOf('/');
  while (i > 0) {
    out.push(path.slice(0, i));
    i = path.lastIndexOf('/', i - 1);
  }
  return out;
}

/** Which later layer first removes `path` (shipped by an earlier layer), and how; undefined if it survives. */
function firstRemoval(path: string, later: readonly LayerFiles[], offset: number): Pick<WastedFile, 'removedBy' | 'how'> | undefined {
  const up = ancestors(path);
  for (let k = 0; k < later.length; k++) {
    const l = later[k];
    if (!l) continue;
    const removedBy = offset + k;
    if (l.files.has(path) || l.dirs.has(path)) return { removedBy, how: 'overwritten' };
    if (l.whiteouts.has(path)) return { removedBy, how: 'deleted' };
    for (const a of up) {
      if (l.whiteouts.has(a) || l.opaqueDirs.has(a)) return { removedBy, how: 'deleted' };
      if (l.files.has(a)) return { removedBy, how: 'overwritten' }; // a directory replaced by a file
    }
  }
  return undefined;
}

function biggest<T extends FileSize>(items: Iterable<T>, top: number): T[] {
  const all = [...items].filter((f) => f.bytes > 0);
  all.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  return all.slice(0, top);
}

export function computeWaste(layers: readonly LayerFiles[], top = 10): LayerWaste[] {
  return layers.map((layer, i) => {
    const later = layers.slice(i + 1);
    const wasted: WastedFile[] = [];
    const removedBy = new Map<number, number>();
    let wastedBytes = 0;
    for (const [path, bytes] of layer.files) {
      if (bytes === 0) continue;
      const r = firstRemoval(path, later, i + 1);
      if (!r) continue;
      wasted.push({ path, bytes, ...r });
      wastedBytes += bytes;
      removedBy.set(r.removedBy, (removedBy.get(r.removedBy) ?? 0) + bytes);
    }
    const files = [...layer.files].map(([path, bytes]) => ({ path, bytes }));
    return {
      layer: i,
      bytes: layer.bytes,
      wastedBytes,
      removedBy,
      topFiles: biggest(files, top),
      topWasted: biggest(wasted, top),
    };
  });
}
