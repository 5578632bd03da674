/**
 * The server's package hover and estimate CodeLens, off its main thread and under the lint's budget (lint-pool.ts's
 * DEFAULT_BUDGET: 20 s and a 1 GB heap), in package-worker.ts threads. As with lint, documents that need a budget
 * (64 KB and more, a costly shape) or were slow once get a worker of their own, so a 4.9 MB file never delays another
 * document's hover; the others share one. Past the budget a worker is stopped, the answer is `too-expensive`, and the
 * next request starts a fresh one.
 */
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver/node';
import { DEFAULT_BUDGET, SLOW_INLINE_MS, WORKER_THRESHOLD, type Budget } from '../runner/lint-pool.js';
import { needsBudget } from '../runner/costly-shape.js';
import type { EstimatesResult } from '../../../common/src/protocol.js';
import { WorkerLane, type WithoutId } from '../../../common/src/platform/worker-lane.js';
import type { PackageReply, PackageRequest } from './package-worker.js';

export type PackageOutcome<T> = { kind: 'done'; value: T } | { kind: 'too-expensive'; reason: string };

/** One worker; requests run in turn. */
type Lane = WorkerLane<PackageRequest, PackageReply>;

const SHARED = '\0shared';

export class PackagePool {
  private readonly lanes = new Map<string, Lane>();
  /** Documents whose answer in the shared worker once took longer than SLOW_INLINE_MS. */
  private readonly slow = new Set<string>();
  /** Workers started so far (tests). */
  started = 0;

  constructor(
    private readonly budget: Budget = DEFAULT_BUDGET,
    private readonly threshold = WORKER_THRESHOLD,
    private readonly file = path.join(__dirname, 'package-worker.js'),
  ) {}

  /** The document's own worker when it needs a budget of its own (as lint decides), else the shared one. */
  private laneKey(uri: string, text: string): string {
    return this.slow.has(uri) || needsBudget(text, this.threshold) ? uri : SHARED;
  }

  private async ask<T>(uri: string, text: string, req: WithoutId<PackageRequest>, pick: (r: PackageReply) => T | undefined): Promise<PackageOutcome<T>> {
    const key = this.laneKey(uri, text);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new WorkerLane<PackageRequest, PackageReply>({
        file: this.file,
        budget: this.budget,
        name: 'package',
        failed: (id, error) => ({ id, error }),
        onStart: () => this.started++,
      });
      this.lanes.set(key, lane);
    }
    const started = performance.now();
    const r = await lane.ask(req);
    if (key === SHARED && performance.now() - started > SLOW_INLINE_MS) this.slow.add(uri);
    const value = pick(r);
    if (value !== undefined) return { kind: 'done', value };
    return { kind: 'too-expensive', reason: 'error' in r ? r.error : 'no answer' };
  }

  /** The estimate CodeLens's figures for `text` of `uri`, with indexes from the cache folder `dir`. */
  estimates(dir: string, uri: string, text: string): Promise<PackageOutcome<EstimatesResult>> {
    return this.ask(uri, text, { kind: 'estimates', dir, text }, (r) => ('estimates' in r ? r.estimates : undefined));
  }

  /** The package hover at a position of `text` (document `uri`). */
  hover(dir: string, uri: string, text: string, line: number, character: number): Promise<PackageOutcome<Hover | null>> {
    return this.ask(uri, text, { kind: 'hover', dir, uri, text, line, character }, (r) => ('hover' in r ? r.hover : undefined));
  }

  /** The document closed: its own worker goes. */
  forget(uri: string): void {
    this.slow.delete(uri);
    this.lanes.get(uri)?.dispose();
    this.lanes.delete(uri);
  }

  dispose(): void {
    for (const lane of this.lanes.values()) lane.dispose();
    this.lanes.clear();
  }
}
