/**
 * The convergence invariant, in one place (rule fixtures, the corpus and the property tests use it):
 * fix(fix(x)) == fix(x), nothing fixable is left, no comment line and no `$VAR` reference is lost,
 * and the fixed text has no new dockerfile-utils errors.
 */
import { validate } from 'dockerfile-utils';
import { autoFixable, fix, lintDetailed } from '../../server/src/engine/index.js';
import type { FixOptions } from '../../server/src/kernel/types.js';

/** dockerfile-utils errors (severity 1), as sorted messages. */
export function validatorErrors(text: string): string[] {
  try {
    return validate(text)
      .filter((d) => d.severity === 1)
      .map((d) => (typeof d.message === 'string' ? d.message : d.message.value))
      .sort();
  } catch {
    // dockerfile-utils itself throws on some malformed here-documents: compare that as one "error".
    return ['dockerfile-utils threw'];
  }
}

/** Comment lines of a Dockerfile, trimmed (inline shell comments included). */
export function commentLines(text: string): string[] {
  return text
    .split(/\r\n?|\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

/** Every `$NAME` / `${NAME…}` reference, by name: a fix may move a reference, never drop one. */
export function varRefs(text: string): Set<string> {
  const refs = new Set<string>();
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) refs.add(m[1]!);
  return refs;
}

export interface ConvergenceResult {
  problems: string[];
  /** The fixed text (safe or unsafe, as asked). */
  text: string;
  applied: string[];
  createFiles: { path: string; content: string }[];
}

/**
 * Applies fix twice and checks the invariant. `options.unsafe` selects the fix set; what must be
 * left unfixed is judged with a `.dockerignore` present when the fix created one.
 */
export function checkConvergence(text: string, options: FixOptions): ConvergenceResult {
  const problems: string[] = [];
  const tag = options.unsafe ? ' (unsafe)' : '';
  const once = fix(text, options);
  const twice = fix(once.text, options);
  if (twice.text !== once.text) problems.push(`fix is not idempotent${tag} (applied ${once.applied.join(',')} then ${twice.applied.join(',')})`);
  // A created or extended ignore file changes the context: the caller's measured facts no longer hold.
  const after = {
    ...options,
    dockerignoreExists: options.dockerignoreExists || once.createFiles.length > 0 || undefined,
    ...(once.createFiles.length ? { context: undefined } : {}),
  };
  const left = lintDetailed(once.text, after).filter((f) => autoFixable(f, { unsafe: options.unsafe }));
  if (left.length) problems.push(`fixable left${tag}: ${left.map((f) => `${f.rule}@${f.line}`).join(' ')}`);
  for (const c of commentLines(text)) if (!once.text.includes(c)) problems.push(`fix lost the comment ${JSON.stringify(c)}${tag}`);
  const refs = varRefs(once.text);
  for (const v of varRefs(text)) if (!refs.has(v)) problems.push(`fix lost the reference $${v}${tag}`);
  const before = validatorErrors(text);
  const added = validatorErrors(once.text).filter((m) => !before.includes(m));
  if (added.length) problems.push(`fixed text has new dockerfile-utils errors${tag}: ${added.join('; ')}`);
  return { problems, text: once.text, applied: once.applied, createFiles: once.createFiles };
}
