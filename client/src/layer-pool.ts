/**
 * The layer lens's worker, seen from the extension host (no vscode import: unit-tested directly). One worker
 * (layer-worker.ts) reads images with docker and keeps their data by image id; this side asks it for an alignment or
 * the wasted bytes of a text and keeps the answers, so a CodeLens refresh with the same text never asks again. Each
 * computation has the lint's budget (20 s, 1 GB heap): past it the worker is stopped, the answer is an error, and the
 * next request starts a fresh worker (which then reports the images it no longer holds as missing).
 */
import * as path from 'node:path';
import { DockerError, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import type { LayerAttribution, LineWaste, RawHistoryRow, SavedImage } from '../../common/src/image-layers/index.js';
import type { MeasuredInstruction } from '../../common/src/image-layers/measured.js';
import { WorkerLane, type LaneBudget } from '../../common/src/platform/worker-lane.js';
import type { LayerReply, LayerRequest } from './layer-worker.js';

/** Wall time of one alignment or waste computation; old-generation heap of the worker (the images it holds included). */
export type LayerBudget = LaneBudget;

export const LAYER_BUDGET: LayerBudget = { timeMs: 20_000, heapMb: 1024 };

/** The worker no longer holds this image's data: read the image again. */
export class MissingImageData extends Error {}

/** A computation failed or went over its budget (the worker was stopped): shown as such, not retried for that text. */
export class LayerComputeError extends Error {}

export interface WasteAnswer {
  waste: LineWaste[];
  measured: MeasuredInstruction[];
}

/** Answers kept per image and text (the lens asks again on every refresh). */
const MEMO = 16;

export class LayerPool {
  private readonly lane: WorkerLane<LayerRequest, LayerReply>;
  private readonly memo = new Map<string, Promise<LayerAttribution[]>>();
  /** Workers started so far (tests: a stopped worker is replaced). */
  started = 0;

  constructor(budget: LayerBudget = LAYER_BUDGET, file = path.join(__dirname, 'layer-worker.js')) {
    this.lane = new WorkerLane<LayerRequest, LayerReply>({
      file,
      budget,
      name: 'layer',
      // Answers already memoised stay true; the ones waiting end with the reason and stay too (no retry loop).
      failed: (id, message) => ({ id, error: { kind: 'compute', message } }),
      overTime: (s) => `computing took more than ${s} s`,
      onStart: () => this.started++,
    });
  }

  private static value<K extends string>(r: LayerReply, key: K): Extract<LayerReply, Record<K, unknown>> {
    if ('missing' in r) throw new MissingImageData('the layer worker no longer holds this image');
    if ('error' in r) throw r.error.kind === 'compute' ? new LayerComputeError(r.error.message) : new DockerError(r.error.kind, r.error.message);
    if (!(key in r)) throw new DockerError('failed', `the layer worker answered without ${key}`);
    return r as Extract<LayerReply, Record<K, unknown>>;
  }

  /** `docker history` in the worker; the rows stay there. Rejects with a DockerError. */
  async history(image: string, opts: DockerOptions): Promise<{ rows: number; totalBytes: number }> {
    this.forget(image);
    return LayerPool.value(await this.lane.ask({ kind: 'history', image, opts }, false), 'history').history;
  }

  /** `docker save` in the worker; the layer file lists stay there. Rejects with a DockerError. */
  async save(image: string, opts: DockerOptions): Promise<void> {
    LayerPool.value(await this.lane.ask({ kind: 'save', image, opts }, false), 'saved');
  }

  /** Recorded or generated rows and layers instead of docker's (tests, benchmarks). */
  async put(image: string, data: { rows?: RawHistoryRow[]; saved?: SavedImage }): Promise<void> {
    this.forget(image);
    LayerPool.value(await this.lane.ask({ kind: 'put', image, ...data }, false), 'saved');
  }

  /** The alignment of `text` with the image's history rows: once per image and text. */
  attribute(image: string, text: string): Promise<LayerAttribution[]> {
    const key = `${image}\0${text}`;
    let p = this.memo.get(key);
    if (p) return p;
    p = this.lane.ask({ kind: 'attribute', image, text }, true).then((r) => LayerPool.value(r, 'attribution').attribution);
    // A missing image is asked again once it is read; an answer (or a computation over budget) stays.
    p.catch((e: unknown) => e instanceof MissingImageData && this.memo.get(key) === p && this.memo.delete(key));
    if (this.memo.size >= MEMO) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(key, p);
    return p;
  }

  /** Wasted bytes per line and what each instruction measured (the caller keeps them per image and document). */
  async waste(image: string, text: string): Promise<WasteAnswer> {
    const r = LayerPool.value(await this.lane.ask({ kind: 'waste', image, text }, true), 'waste');
    return { waste: r.waste, measured: r.measured };
  }

  private forget(image: string): void {
    for (const k of [...this.memo.keys()]) if (k.startsWith(`${image}\0`)) this.memo.delete(k);
  }

  dispose(): void {
    this.lane.dispose();
  }
}
