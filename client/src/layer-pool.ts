/**
 * The layer lens's worker, seen from the extension host (no vscode import: unit-tested directly). One worker
 * (layer-worker.ts) reads images with docker and keeps their data by image id; this side asks it for an alignment or
 * the wasted bytes of a text and keeps the answers, so a CodeLens refresh with the same text never asks again. Each
 * computation has the lint's budget (20 s, 1 GB heap): past it the worker is stopped, the answer is an error, and the
 * next request starts a fresh worker (which then reports the images it no longer holds as missing).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DockerError, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import type { LayerAttribution, LineWaste, RawHistoryRow, SavedImage } from '../../common/src/image-layers/index.js';
import type { MeasuredInstruction } from '../../common/src/image-layers/measured.js';
import type { LayerReply, LayerRequest } from './layer-worker.js';

export interface LayerBudget {
  /** Wall time of one alignment or waste computation. */
  timeMs: number;
  /** Old-generation heap of the worker (the images it holds included). */
  heapMb: number;
}

export const LAYER_BUDGET: LayerBudget = { timeMs: 20_000, heapMb: 1024 };

/** The worker no longer holds this image's data: read the image again. */
export class MissingImageData extends Error {}

/** A computation failed or went over its budget (the worker was stopped): shown as such, not retried for that text. */
export class LayerComputeError extends Error {}

export interface WasteAnswer {
  waste: LineWaste[];
  measured: MeasuredInstruction[];
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Answers kept per image and text (the lens asks again on every refresh). */
const MEMO = 16;

export class LayerPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { done: (r: LayerReply) => void; timer?: NodeJS.Timeout }>();
  private readonly memo = new Map<string, Promise<LayerAttribution[]>>();
  /** Workers started so far (tests: a stopped worker is replaced). */
  started = 0;

  constructor(
    private readonly budget: LayerBudget = LAYER_BUDGET,
    private readonly file = path.join(__dirname, 'layer-worker.js'),
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: this.budget.heapMb } });
    this.started++;
    w.unref();
    w.on('message', (r: LayerReply) => this.settle(r.id, r));
    w.on('error', (e) => this.stop(w, /memory/i.test(e.message) ? `more than ${this.budget.heapMb} MB of memory` : e.message));
    w.on('exit', () => this.stop(w, 'the layer worker stopped'));
    this.worker = w;
    return w;
  }

  private settle(id: number, r: LayerReply): void {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.done(r);
  }

  /** Over budget or crashed: every waiting request ends with `reason`; the next one starts a fresh worker. */
  private stop(w: Worker, reason: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    void w.terminate();
    // Answers already memoised stay true; the ones waiting end with the reason and stay too (no retry loop).
    for (const id of [...this.waiting.keys()]) this.settle(id, { id, error: { kind: 'compute', message: reason } });
  }

  private ask(req: WithoutId<LayerRequest>, timed: boolean): Promise<LayerReply> {
    const id = this.nextId++;
    const w = this.ensure();
    return new Promise((done) => {
      const timer = timed ? setTimeout(() => this.stop(w, `computing took more than ${this.budget.timeMs / 1000} s`), this.budget.timeMs) : undefined;
      this.waiting.set(id, { done, ...(timer ? { timer } : {}) });
      w.postMessage({ ...req, id } as LayerRequest);
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
    return LayerPool.value(await this.ask({ kind: 'history', image, opts }, false), 'history').history;
  }

  /** `docker save` in the worker; the layer file lists stay there. Rejects with a DockerError. */
  async save(image: string, opts: DockerOptions): Promise<void> {
    LayerPool.value(await this.ask({ kind: 'save', image, opts }, false), 'saved');
  }

  /** Recorded or generated rows and layers instead of docker's (tests, benchmarks). */
  async put(image: string, data: { rows?: RawHistoryRow[]; saved?: SavedImage }): Promise<void> {
    this.forget(image);
    LayerPool.value(await this.ask({ kind: 'put', image, ...data }, false), 'saved');
  }

  /** The alignment of `text` with the image's history rows: once per image and text. */
  attribute(image: string, text: string): Promise<LayerAttribution[]> {
    const key = `${image}\0${text}`;
    let p = this.memo.get(key);
    if (p) return p;
    p = this.ask({ kind: 'attribute', image, text }, true).then((r) => LayerPool.value(r, 'attribution').attribution);
    // A missing image is asked again once it is read; an answer (or a computation over budget) stays.
    p.catch((e: unknown) => e instanceof MissingImageData && this.memo.get(key) === p && this.memo.delete(key));
    if (this.memo.size >= MEMO) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(key, p);
    return p;
  }

  /** Wasted bytes per line and what each instruction measured (the caller keeps them per image and document). */
  async waste(image: string, text: string): Promise<WasteAnswer> {
    const r = LayerPool.value(await this.ask({ kind: 'waste', image, text }, true), 'waste');
    return { waste: r.waste, measured: r.measured };
  }

  private forget(image: string): void {
    for (const k of [...this.memo.keys()]) if (k.startsWith(`${image}\0`)) this.memo.delete(k);
  }

  dispose(): void {
    const w = this.worker;
    if (w) this.stop(w, 'closed');
  }
}
