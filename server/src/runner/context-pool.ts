/**
 * Build-context sizes off the language server's thread: one worker (context-worker.ts) walks contexts and keeps the
 * folder cache; requests queue in it. A worker that dies is started again on the next request.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ContextSummary, CopyInput, WalkBudget } from '../../../common/src/build-context/index.js';
import type { ContextWorkerReply, ContextWorkerRequest } from './context-worker.js';

/** The editor's budget: past it the walk stops and the figures say "or more". */
export const EDITOR_BUDGET: WalkBudget = { maxFiles: 250_000, maxMs: 15_000, maxReadBytes: 2 << 20 };

export class ContextPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: ContextSummary | undefined) => void>();

  constructor(private readonly heapMb = 256) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'context-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    w.unref();
    w.on('message', (r: ContextWorkerReply) => {
      const done = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      done?.('summary' in r ? r.summary : undefined);
    });
    const die = (): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const done of this.waiting.values()) done(undefined);
      this.waiting.clear();
    };
    w.on('error', die);
    w.on('exit', die);
    this.worker = w;
    return w;
  }

  measure(root: string, dockerfile: string | undefined, copies: CopyInput[], budget: WalkBudget = EDITOR_BUDGET): Promise<ContextSummary | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ensure().postMessage({ kind: 'measure', id, root, ...(dockerfile ? { dockerfile } : {}), copies, budget } satisfies ContextWorkerRequest);
    });
  }

  /** Files or folders changed on disk: their folders are listed again on the next walk. */
  changed(paths: string[]): void {
    this.worker?.postMessage({ kind: 'changed', paths } satisfies ContextWorkerRequest);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
