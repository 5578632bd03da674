/**
 * The language server's lint worker (worker_threads): one per big open document, so linting a
 * 50k-line file never blocks the server's main thread (other files' diagnostics, code actions).
 * It keeps that document's incremental state; see lint-pool.ts for scheduling and budgets.
 */
import { parentPort } from 'node:worker_threads';
import { fix } from './engine/lint.js';
import type { DetailedFinding, FixOptions, FixResult, LintOptions } from './engine/types.js';
import { IncrementalLinter } from './incremental.js';

export type WorkerRequest =
  { kind: 'lint'; id: number; uri: string; text: string; options: LintOptions } | { kind: 'fix'; id: number; text: string; options: FixOptions };

export type WorkerReply = { id: number; findings: DetailedFinding[] } | { id: number; fixed: FixResult } | { id: number; error: string };

const linter = new IncrementalLinter();

parentPort?.on('message', (req: WorkerRequest) => {
  try {
    if (req.kind === 'lint') parentPort?.postMessage({ id: req.id, findings: linter.lint(req.uri, req.text, req.options) } satisfies WorkerReply);
    else parentPort?.postMessage({ id: req.id, fixed: fix(req.text, req.options) } satisfies WorkerReply);
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
});
