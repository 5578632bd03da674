/**
 * The layer lens's thread (layer-pool.ts starts it, bundled to dist/layer-worker.js): it runs `docker history` and
 * `docker save` itself and keeps what they return per image id, so neither the rows (up to MAX_HISTORY_ROWS) nor the
 * layer file lists (up to 4,000,000 entries) are ever parsed on, or copied to, the extension host's thread. Alignment
 * and wasted bytes are computed here and only their small results go back (issue 27: 3,990 ENV lines against a big
 * history blocked the extension host for 77.7 s, 2,000 files at depth 1,000 over 60 layers for 22.3 s).
 */
import { parentPort } from 'node:worker_threads';
import { DockerError, imageHistory, saveImage, type DockerErrorKind, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import {
  attributeLayers,
  attributeWaste,
  measuredInstructions,
  parseSize,
  type LayerAttribution,
  type LineWaste,
  type RawHistoryRow,
  type SavedImage,
} from '../../common/src/image-layers/index.js';
import type { MeasuredInstruction } from '../../common/src/image-layers/measured.js';
import { lowerThisThreadPriority } from '../../common/src/platform/thread-priority.js';

/** History rows one image may have (real images: under 200; only the newest 5,000 are aligned anyway). */
export const MAX_HISTORY_ROWS = 100_000;
/** Images whose data the worker keeps (the least recently used goes first). */
const MAX_IMAGES = 4;

export type LayerRequest =
  | { kind: 'history'; id: number; image: string; opts: DockerOptions }
  | { kind: 'save'; id: number; image: string; opts: DockerOptions }
  /** Tests and benchmarks: recorded or generated data instead of docker's. */
  | { kind: 'put'; id: number; image: string; rows?: RawHistoryRow[]; saved?: SavedImage }
  | { kind: 'attribute'; id: number; image: string; text: string }
  | { kind: 'waste'; id: number; image: string; text: string };

export type LayerReply =
  | { id: number; history: { rows: number; totalBytes: number } }
  | { id: number; saved: { layers: number } }
  | { id: number; attribution: LayerAttribution[] }
  | { id: number; waste: LineWaste[]; measured: MeasuredInstruction[] }
  /** The image's data is not here (never read, evicted, or a new worker after one was stopped): read it again. */
  | { id: number; missing: true }
  | { id: number; error: { kind: DockerErrorKind | 'compute'; message: string } };

interface Held {
  rows?: RawHistoryRow[];
  saved?: SavedImage;
}

const images = new Map<string, Held>();

function hold(image: string): Held {
  let h = images.get(image);
  if (h) images.delete(image); // re-inserted: the most recently used is last
  h ??= {};
  images.set(image, h);
  while (images.size > MAX_IMAGES) images.delete(images.keys().next().value as string);
  return h;
}

function totalOf(rows: readonly RawHistoryRow[]): number {
  let sum = 0;
  for (const r of rows) sum += parseSize(r.Size ?? r.size ?? 0);
  return sum;
}

async function answer(req: LayerRequest): Promise<LayerReply> {
  switch (req.kind) {
    case 'history': {
      const rows = await imageHistory(req.image, req.opts);
      if (rows.length > MAX_HISTORY_ROWS) {
        throw new DockerError('malformed-output', `the image has ${rows.length} history rows (more than ${MAX_HISTORY_ROWS})`);
      }
      hold(req.image).rows = rows;
      return { id: req.id, history: { rows: rows.length, totalBytes: totalOf(rows) } };
    }
    case 'save': {
      const saved = await saveImage(req.image, req.opts);
      hold(req.image).saved = saved;
      return { id: req.id, saved: { layers: saved.layers.length } };
    }
    case 'put': {
      const h = hold(req.image);
      if (req.rows) h.rows = req.rows;
      if (req.saved) h.saved = req.saved;
      return { id: req.id, saved: { layers: req.saved?.layers.length ?? 0 } };
    }
    case 'attribute': {
      const rows = images.get(req.image)?.rows;
      if (!rows) return { id: req.id, missing: true };
      return { id: req.id, attribution: attributeLayers(req.text, rows) };
    }
    case 'waste': {
      const saved = images.get(req.image)?.saved;
      if (!saved) return { id: req.id, missing: true };
      return { id: req.id, waste: attributeWaste(req.text, saved), measured: measuredInstructions(req.text, saved) };
    }
  }
}

// The extension host's thread, which draws nothing but answers every extension, wins the CPU over this one.
lowerThisThreadPriority();

parentPort?.on('message', (req: LayerRequest) => {
  answer(req).then(
    (r) => parentPort?.postMessage(r),
    (e: unknown) => {
      const error =
        e instanceof DockerError ? { kind: e.kind, message: e.message } : { kind: 'compute' as const, message: e instanceof Error ? e.message : String(e) };
      parentPort?.postMessage({ id: req.id, error } satisfies LayerReply);
    },
  );
});
