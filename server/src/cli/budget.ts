/**
 * The CLI's per-file time and memory budget (the server's, lint-pool.ts): a file of at least
 * WORKER_THRESHOLD characters, or of a costly shape (costly-shape.ts), is linted or fixed in a worker thread; past the budget the worker is
 * terminated and the file is reported as too expensive instead of hanging the run. Small files stay
 * on the main thread (no worker start-up cost). Budget overrides: DOCKERFILE_SLIM_TIME_BUDGET_MS,
 * DOCKERFILE_SLIM_HEAP_BUDGET_MB.
 */
import { defaultIndexDir } from '../../../common/src/package-index/store.js';
import { fix, lintDetailed } from '../engine/lint.js';
import type { DetailedFinding, FixOptions, FixResult, LintOptions } from '../kernel/types.js';
import { DEFAULT_BUDGET, LintPool, WORKER_THRESHOLD, type Budget } from '../runner/lint-pool.js';
import { needsBudget } from '../runner/costly-shape.js';

export type Budgeted<T> = { kind: 'done'; value: T } | { kind: 'too-expensive'; reason: string };

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function cliBudget(env: NodeJS.ProcessEnv = process.env): Budget {
  return {
    timeMs: positive(env.DOCKERFILE_SLIM_TIME_BUDGET_MS, DEFAULT_BUDGET.timeMs),
    heapMb: positive(env.DOCKERFILE_SLIM_HEAP_BUDGET_MB, DEFAULT_BUDGET.heapMb),
  };
}

export class BudgetedEngine {
  private pool: LintPool | undefined;

  private poolFor(): LintPool {
    this.pool ??= new LintPool(cliBudget(), WORKER_THRESHOLD, process.env.DOCKERFILE_SLIM_INDEX_DIR || defaultIndexDir());
    return this.pool;
  }

  async lint(file: string, text: string, options: LintOptions): Promise<Budgeted<DetailedFinding[]>> {
    if (!needsBudget(text, WORKER_THRESHOLD)) return { kind: 'done', value: lintDetailed(text, options) };
    const pool = this.poolFor();
    try {
      const r = await pool.lint(file, 1, text, options);
      if (r.kind === 'done') return { kind: 'done', value: r.findings };
      return { kind: 'too-expensive', reason: r.kind === 'stale' ? 'superseded' : r.reason };
    } finally {
      pool.forget(file); // one file at a time: its worker and heap go
    }
  }

  async fix(file: string, text: string, options: FixOptions): Promise<Budgeted<FixResult>> {
    if (!needsBudget(text, WORKER_THRESHOLD)) return { kind: 'done', value: fix(text, options) };
    const pool = this.poolFor();
    try {
      const r = await pool.fixOutcome(file, text, options);
      return r.kind === 'done' ? { kind: 'done', value: r.result } : r;
    } finally {
      pool.forget(file);
    }
  }

  dispose(): void {
    this.pool?.dispose();
  }
}

export function tooExpensiveMessage(file: string, reason: string): string {
  return `${file}: too expensive to analyse (${reason}); skipped`;
}
