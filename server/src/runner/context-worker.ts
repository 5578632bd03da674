/**
 * The build-context walker's thread (context-pool.ts starts it): walks and sums contexts with synchronous file-system
 * calls, which are fast and never touch the language server's main thread, and keeps the folder cache between requests.
 */
import { parentPort } from 'node:worker_threads';
import { ContextMeter, type ContextSummary, type CopyInput, type WalkBudget } from '../../../common/src/build-context/index.js';

export type ContextWorkerRequest =
  | { kind: 'measure'; id: number; root: string; dockerfile?: string; copies: CopyInput[]; budget: WalkBudget }
  | { kind: 'changed'; paths: string[] }
  | { kind: 'clear' };

export type ContextWorkerReply = { id: number; summary: ContextSummary } | { id: number; error: string };

const meter = new ContextMeter();

parentPort?.on('message', (m: ContextWorkerRequest) => {
  if (m.kind === 'changed') {
    for (const p of m.paths) meter.changed(p);
    return;
  }
  if (m.kind === 'clear') {
    meter.walker.clear();
    return;
  }
  try {
    parentPort?.postMessage({ id: m.id, summary: meter.measure(m.root, m.dockerfile, m.copies, m.budget) } satisfies ContextWorkerReply);
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: String(e) } satisfies ContextWorkerReply);
  }
});
