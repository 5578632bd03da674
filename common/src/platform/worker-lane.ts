/**
 * One worker thread that answers requests in turn under a time and heap budget: the layer lens's worker in the
 * extension host (client/src/layer-pool.ts) and the server's package workers (server/src/lsp/package-pool.ts). The
 * worker starts on the first request. A timed request over its budget, a worker over its heap, or a worker that
 * exits stops it: it is terminated and every request still waiting ends with the reason (as the caller's failure
 * reply), never retried. The next request starts a fresh worker, which holds none of the old one's state.
 */
import { Worker } from 'node:worker_threads';

export interface LaneBudget {
  /** Wall time of one timed request. */
  timeMs: number;
  /** Old-generation heap of the worker (whatever it holds included). */
  heapMb: number;
}

/** A request as the caller writes it: the lane gives it its id. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface LaneOptions<Reply> {
  /** The worker's script. */
  file: string;
  budget: LaneBudget;
  /** Names the worker in the reason "the <name> worker stopped". */
  name: string;
  /** The reply a waiting request gets when the worker is stopped (over budget, crashed, or closed). */
  failed(id: number, reason: string): Reply;
  /** The reason given when a timed request goes over its budget; by default "more than N s". */
  overTime?(seconds: number): string;
  /** Called for each worker started (the pools count them for their tests). */
  onStart?(): void;
}

export class WorkerLane<Request extends { id: number }, Reply extends { id: number }> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { done: (r: Reply) => void; timer: NodeJS.Timeout | undefined }>();

  constructor(private readonly o: LaneOptions<Reply>) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const { heapMb } = this.o.budget;
    const w = new Worker(this.o.file, { resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    this.o.onStart?.();
    w.unref();
    w.on('message', (r: Reply) => this.settle(r.id, r));
    w.on('error', (e) => this.stop(w, /memory/i.test(e.message) ? `more than ${heapMb} MB of memory` : e.message));
    w.on('exit', () => this.stop(w, `the ${this.o.name} worker stopped`));
    this.worker = w;
    return w;
  }

  private settle(id: number, r: Reply): void {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.done(r);
  }

  /** Over budget, crashed or closed: every waiting request ends with `reason`; the next one starts a fresh worker. */
  private stop(w: Worker, reason: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    void w.terminate();
    for (const id of [...this.waiting.keys()]) this.settle(id, this.o.failed(id, reason));
  }

  /** Sends `req` to the worker (started if none runs); `timed` requests stop the worker when over the time budget. */
  ask(req: WithoutId<Request>, timed = true): Promise<Reply> {
    const id = this.nextId++;
    const w = this.ensure();
    return new Promise((done) => {
      const { timeMs } = this.o.budget;
      const overTime = this.o.overTime ?? ((s: number) => `more than ${s} s`);
      const timer = timed ? setTimeout(() => this.stop(w, overTime(timeMs / 1000)), timeMs) : undefined;
      this.waiting.set(id, { done, timer });
      w.postMessage({ ...req, id });
    });
  }

  /** Stops the worker, if one runs; waiting requests end with "closed". */
  dispose(): void {
    if (this.worker) this.stop(this.worker, 'closed');
  }
}
