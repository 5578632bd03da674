/**
 * The build context, measured: `measureContext` reads the ignore file BuildKit would use, walks the context with a
 * budget (cached by folder mtimes in the walker) and sums what each COPY/ADD sends. A repeat with nothing changed
 * reuses the last summary. Synchronous: callers run it in a worker thread (the language server) or the CLI.
 */
import * as path from 'node:path';
import { IgnoreMatcher } from './ignore.js';
import { summarize, type CopyInput } from './summarize.js';
import type { ContextFacts, ContextSummary } from './types.js';
import { ContextWalker, DEFAULT_BUDGET, ignoreFileFor, type WalkBudget } from './walk.js';
import { nodeProjects } from './node-projects.js';

export type { ContextFacts, ContextSummary, CopySize, Leak, LeakKind } from './types.js';
export type { CopyInput } from './summarize.js';
export type { NodeProject } from './node-projects.js';
export { ContextWalker, DEFAULT_BUDGET, type WalkBudget } from './walk.js';
export { IgnoreMatcher, parseIgnoreFile } from './ignore.js';

interface Memo {
  key: string;
  generation: number;
  summary: ContextSummary;
}

export class ContextMeter {
  readonly walker = new ContextWalker();
  private readonly memo = new Map<string, Memo>();
  private matchers = new Map<string, IgnoreMatcher>();

  /** `root`: the context folder (already confined); `dockerfile`: its absolute path, for `<Dockerfile>.dockerignore`. */
  measure(root: string, dockerfile: string | undefined, copies: readonly CopyInput[], budget: WalkBudget = DEFAULT_BUDGET): ContextSummary {
    const ignore = ignoreFileFor(root, dockerfile);
    const text = ignore?.text ?? '';
    let matcher = this.matchers.get(text);
    if (!matcher) {
      matcher = IgnoreMatcher.fromText(text);
      if (this.matchers.size > 20) this.matchers = new Map();
      this.matchers.set(text, matcher);
    }
    const ignoreFile = ignore ? relativeOrAbsolute(root, ignore.file) : '';
    const scan = this.walker.scanCached(root, matcher, ignoreFile, budget);
    const key = JSON.stringify([text, ignoreFile, copies, scan.complete]);
    const memo = this.memo.get(root);
    const node = nodeProjects(
      root,
      copies.flatMap((c) => c.sources),
    );
    if (memo && memo.key === key && memo.generation === this.walker.generation && scan.complete) {
      return { ...memo.summary, ms: scan.ms, ...(node.length ? { node } : {}) };
    }
    const summary = summarize(scan, copies);
    if (node.length) summary.node = node;
    summary.ms = scan.ms;
    this.memo.set(root, { key, generation: this.walker.generation, summary });
    return summary;
  }

  /** A file or folder changed (a file-system event): its folder is listed again next time. */
  changed(absPath: string): void {
    this.walker.invalidate(absPath);
  }
}

function relativeOrAbsolute(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** What the engine's rules need of a summary (plain data for `LintOptions.context`). */
export function factsOf(summary: ContextSummary): ContextFacts {
  return { ignoreFile: summary.ignoreFile, leaks: summary.leaks, complete: summary.complete, ...(summary.node ? { node: summary.node } : {}) };
}
