/**
 * The language server's lint worker (worker_threads): one per big open document, so linting a
 * 50k-line file never blocks the server's main thread (other files' diagnostics, code actions).
 * It keeps that document's incremental state; see lint-pool.ts for scheduling and budgets.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { fix } from './engine/lint.js';
import type { DetailedFinding, FixOptions, FixResult, LintOptions } from './kernel/types.js';
import { IncrementalLinter } from './incremental.js';

export type WorkerRequest =
  { kind: 'lint'; id: number; uri: string; text: string; options: LintOptions } | { kind: 'fix'; id: number; text: string; options: FixOptions };

export type WorkerReply = { id: number; findings: DetailedFinding[] } | { id: number; fixed: FixResult } | { id: number; error: string };

const linter = new IncrementalLinter();

// Linux: lower this thread's priority (setpriority on its thread id), so on a busy machine the server's
// main thread, which answers the editor, wins the CPU over a long lint. Best effort elsewhere.
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) os.setPriority(tid, 10);
} catch {
  /* not Linux, or not allowed: keep the default priority */
}

parentPort?.on('message', (req: WorkerRequest) => {
  try {
    if (req.kind === 'lint') parentPort?.postMessage({ id: req.id, findings: linter.lint(req.uri, req.text, req.options) } satisfies WorkerReply);
    else parentPort?.postMessage({ id: req.id, fixed: fix(req.text, req.options) } satisfies WorkerReply);
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
});
