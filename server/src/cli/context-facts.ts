/**
 * The CLI's view of a build context (`--context DIR` on lint, fix and estimate): walk it once per command with the
 * same budget and BuildKit semantics as the editor, and hand the engine plain facts (`LintOptions.context`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextCopies } from '../analysis/context-copies.js';
import { ContextMeter, factsOf, type ContextSummary } from '../../../common/src/build-context/index.js';
import type { ContextFacts } from '../../../common/src/build-context/types.js';
import { forLint } from '../../../common/src/build-context/node-projects.js';
import { NpmSizeStore } from '../../../common/src/npm-registry/size-store.js';
import { defaultIndexDir } from '../../../common/src/package-index/store.js';

const meter = new ContextMeter();

export { contextCopies };

/** What the context sends per COPY/ADD of `text`; undefined when `dir` is not a folder. */
export function measureContext(dir: string, file: string, text: string): ContextSummary | undefined {
  let root: string;
  try {
    root = fs.realpathSync(dir);
    if (!fs.statSync(root).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const dockerfile = file === '-' ? undefined : path.resolve(file);
  return meter.measure(root, dockerfile, contextCopies(text));
}

export function contextFacts(dir: string | undefined, file: string, text: string): { context?: ContextFacts } {
  if (!dir) return {};
  const s = measureContext(dir, file, text);
  if (!s) return {};
  const facts = factsOf(s);
  if (!facts.node) return { context: facts };
  // DS019's sizes from the npm size cache beside the package indexes (lint and fix never fetch).
  const npm = new NpmSizeStore({ dir: process.env.DOCKERFILE_SLIM_INDEX_DIR || defaultIndexDir(), offline: true, log: () => undefined });
  return { context: { ...facts, node: forLint(facts.node, (n, v) => npm.cached(n, v)) } };
}
