/**
 * The language server's lint worker (worker_threads): one per big open document, so linting a
 * 50k-line file never blocks the server's main thread (other files' diagnostics, code actions).
 * It keeps that document's incremental state; see lint-pool.ts for scheduling and budgets.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../../common/src/platform/thread-priority.js';
import { fix } from '../engine/lint.js';
import { fixGroups, type GroupedFix } from '../engine/fix-groups.js';
import type { DetailedFinding, FixOptions, FixResult, LintOptions } from '../kernel/types.js';
import { IncrementalLinter } from './incremental.js';
import { IndexStore } from '../../../common/src/package-index/store.js';
import type { PackageLookup } from '../../../common/src/package-index/types.js';

/**
 * `options.packages` (functions) cannot cross to a worker: a request's options never carry it; with
 * `packageDir` the worker reads cached package indexes from that directory itself (never fetches).
 */
export type WorkerRequest =
  | { kind: 'lint'; id: number; uri: string; text: string; options: LintOptions; packageDir?: string }
  | { kind: 'fix'; id: number; text: string; options: FixOptions; packageDir?: string }
  | { kind: 'groups'; id: number; text: string; options: FixOptions; packageDir?: string };

export type WorkerReply =
  { id: number; findings: DetailedFinding[] } | { id: number; fixed: FixResult } | { id: number; groups: GroupedFix } | { id: number; error: string };

const linter = new IncrementalLinter();
const stores = new Map<string, PackageLookup>();

function packagesIn(dir: string | undefined): PackageLookup | undefined {
  if (!dir) return undefined;
  let p = stores.get(dir);
  if (!p) {
    const store = new IndexStore({ dir, offline: true, log: () => undefined });
    p = { version: 0, lookup: (base) => store.cached(base) };
    stores.set(dir, p);
  }
  return p;
}

// The server's main thread, which answers the editor, wins the CPU over a long lint.
lowerThisThreadPriority();

parentPort?.on('message', (req: WorkerRequest) => {
  try {
    const packages = packagesIn(req.packageDir);
    if (req.kind === 'lint') {
      const options = packages ? { ...req.options, packages } : req.options;
      parentPort?.postMessage({ id: req.id, findings: linter.lint(req.uri, req.text, options) } satisfies WorkerReply);
    } else if (req.kind === 'groups') {
      parentPort?.postMessage({ id: req.id, groups: fixGroups(req.text, packages ? { ...req.options, packages } : req.options) } satisfies WorkerReply);
    } else parentPort?.postMessage({ id: req.id, fixed: fix(req.text, packages ? { ...req.options, packages } : req.options) } satisfies WorkerReply);
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
});
