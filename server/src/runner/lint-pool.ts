/**
 * Where the server lints: small documents on the main thread (a few ms), big ones in a worker of
 * their own (lint-worker.ts), so a 50k-line file never delays another file's diagnostics or a code
 * action. Per document, only the newest version is linted: a request that a newer one overtakes
 * resolves `stale` and is never published. Each worker lint has a time and heap budget; past it the
 * worker is terminated and the result is `too-expensive` (the server shows a notice instead).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fix } from '../engine/lint.js';
import { fixGroups, type GroupedFix } from '../engine/fix-groups.js';
import type { DetailedFinding, FixOptions, FixResult, LintOptions } from '../kernel/types.js';
import { IncrementalLinter } from './incremental.js';
import type { WorkerReply, WorkerRequest } from './lint-worker.js';
import { needsBudget } from './costly-shape.js';

export type LintOutcome = { kind: 'done'; findings: DetailedFinding[] } | { kind: 'stale' } | { kind: 'too-expensive'; reason: string };

export interface Budget {
  /** Wall time for one lint or fix of one document. */
  timeMs: number;
  /** Old-generation heap of a document's worker. */
  heapMb: number;
}

export const DEFAULT_BUDGET: Budget = { timeMs: 20_000, heapMb: 1024 };
/** Documents with at least this many characters are linted in a worker (about 1,500 lines). */
export const WORKER_THRESHOLD = 64 * 1024;
/** A main-thread lint slower than this sends the document's later lints to a worker. */
export const SLOW_INLINE_MS = 500;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve(r: WorkerReply | { id: number; error: string; expensive: true }): void;
  timer: NodeJS.Timeout;
}

/** One document's worker: requests run one at a time, in order. */
class DocWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor(
    private readonly budget: Budget,
    private readonly onDeath: () => void,
  ) {
    this.worker = new Worker(path.join(__dirname, 'lint-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: budget.heapMb } });
    this.worker.unref();
    this.worker.on('message', (r: WorkerReply) => this.settle(r.id, r));
    this.worker.on('error', (e) => this.die(e.message.includes('memory') ? `more than ${budget.heapMb} MB of memory` : e.message));
    this.worker.on('exit', () => this.die('the lint worker stopped'));
  }

  request(req: WithoutId<WorkerRequest>): Promise<WorkerReply | { id: number; error: string; expensive: true }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.die(`more than ${this.budget.timeMs / 1000} s`), this.budget.timeMs);
      this.pending.set(id, { resolve, timer });
      this.worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  private settle(id: number, r: WorkerReply | { id: number; error: string; expensive: true }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(r);
  }

  /** Over budget or crashed: every waiting request ends as too expensive; the next one starts a fresh worker. */
  die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    void this.worker.terminate();
    for (const id of [...this.pending.keys()]) this.settle(id, { id, error: reason, expensive: true });
    this.onDeath();
  }
}

function withoutPackages<T extends LintOptions>(options: T): T {
  if (!options.packages) return options;
  const rest = { ...options };
  delete rest.packages;
  return rest;
}

export class LintPool {
  private readonly inline = new IncrementalLinter();
  /** Documents whose main-thread lint once took longer than SLOW_INLINE_MS. */
  private readonly slow = new Set<string>();
  private readonly workers = new Map<string, DocWorker>();
  /** The newest version asked for, per document. */
  private readonly latest = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly running = new Map<string, { key: string; text: string; result: Promise<LintOutcome> }>();

  constructor(
    private readonly budget: Budget = DEFAULT_BUDGET,
    private readonly threshold = WORKER_THRESHOLD,
    /** Where a worker reads cached package indexes (options.packages, functions, stay on this thread). */
    private readonly packageDir?: string,
  ) {}

  /** Lints `text` (version `version` of `uri`); resolves `stale` when a newer version was requested meanwhile. */
  lint(uri: string, version: number, text: string, options: LintOptions): Promise<LintOutcome> {
    // The same version asked again (a code action, a settings refresh) while its lint runs: share that lint.
    const same = this.running.get(uri);
    const key = `${version}\u0000${JSON.stringify(options)}`;
    if (same && same.key === key && same.text === text) return same.result;
    const result = this.lintOnce(uri, version, text, options);
    this.running.set(uri, { key, text, result });
    void result.finally(() => {
      if (this.running.get(uri)?.result === result) this.running.delete(uri);
    });
    return result;
  }

  private async lintOnce(uri: string, version: number, text: string, options: LintOptions): Promise<LintOutcome> {
    this.latest.set(uri, version);
    if (!this.budgeted(uri, text)) {
      if (this.workers.has(uri)) this.drop(uri); // shrank below the threshold: back to the main thread
      const started = performance.now();
      const findings = this.inline.lint(uri, text, options);
      // Slower than a main-thread lint may be: this document's next lints run with a budget, in a worker.
      if (performance.now() - started > SLOW_INLINE_MS) this.slow.add(uri);
      return { kind: 'done', findings };
    }
    this.inline.forget(uri);
    // One lint in flight per document; while it runs, only the newest waiting request is kept.
    while (this.inFlight.has(uri)) {
      await this.inFlight.get(uri);
      if (this.latest.get(uri) !== version) return { kind: 'stale' };
    }
    const run = this.workerFor(uri).request({ kind: 'lint', uri, text, options: withoutPackages(options), packageDir: this.packageDir });
    const flight = run.then(() => undefined);
    this.inFlight.set(uri, flight);
    const r = await run;
    if (this.inFlight.get(uri) === flight) this.inFlight.delete(uri);
    if (this.latest.get(uri) !== version) return { kind: 'stale' };
    if ('findings' in r) return { kind: 'done', findings: r.findings };
    return { kind: 'too-expensive', reason: 'error' in r ? r.error : 'no result' };
  }

  /** Whole-document fix (fix-all, Optimize): in the document's worker when it is big. */
  async fix(uri: string, text: string, options: FixOptions): Promise<FixResult | null> {
    const r = await this.fixOutcome(uri, text, options);
    return r.kind === 'done' ? r.result : null;
  }

  /** As fix, with the reason when the worker failed or went over its budget. */
  async fixOutcome(uri: string, text: string, options: FixOptions): Promise<{ kind: 'done'; result: FixResult } | { kind: 'too-expensive'; reason: string }> {
    if (!this.budgeted(uri, text)) return { kind: 'done', result: fix(text, options) };
    const r = await this.workerFor(uri).request({ kind: 'fix', text, options: withoutPackages(options), packageDir: this.packageDir });
    if ('fixed' in r) return { kind: 'done', result: r.fixed };
    return { kind: 'too-expensive', reason: 'error' in r ? r.error : 'no result' };
  }

  /** Whole-document fixes as one group of edits per fix (Optimize's preview entries): in the document's worker when it is big. */
  async groups(uri: string, text: string, options: FixOptions): Promise<GroupedFix | null> {
    if (!this.budgeted(uri, text)) return fixGroups(text, options);
    const r = await this.workerFor(uri).request({ kind: 'groups', text, options: withoutPackages(options), packageDir: this.packageDir });
    return 'groups' in r ? r.groups : null;
  }

  /** Whether `text` of `uri` runs in a worker, under the budget: big, a costly shape, or slow once already. */
  budgeted(uri: string, text: string): boolean {
    return this.slow.has(uri) || needsBudget(text, this.threshold);
  }

  /** The document closed: its worker (and heap) goes. */
  forget(uri: string): void {
    this.latest.delete(uri);
    this.slow.delete(uri);
    this.inline.forget(uri);
    this.drop(uri);
  }

  /** Number of live workers (one per big open document at most). */
  get workerCount(): number {
    return this.workers.size;
  }

  dispose(): void {
    for (const uri of [...this.workers.keys()]) this.drop(uri);
  }

  private drop(uri: string): void {
    const w = this.workers.get(uri);
    this.workers.delete(uri);
    w?.die('closed');
  }

  private workerFor(uri: string): DocWorker {
    let w = this.workers.get(uri);
    if (!w || w.dead) {
      const created: DocWorker = new DocWorker(this.budget, () => {
        if (this.workers.get(uri) === created) this.workers.delete(uri);
      });
      w = created;
      this.workers.set(uri, w);
    }
    return w;
  }
}
