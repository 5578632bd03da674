import * as path from 'node:path';
import { existsSync } from 'node:fs';

/** Repository root, from out/test/helpers (compiled) or test/helpers (source). */
export const repoRoot = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** ../shared beside the checkout (CI clones main with shared/ next to it). */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const updateGolden = process.env.UPDATE_GOLDEN === '1';

/**
 * CI (.ci/run) sets DOCKERFILE_SLIM_REQUIRE_SHARED=1: then a missing ../shared is a failure, never a skip, so CI
 * cannot silently run less than every tier.
 */
export const sharedRequired = process.env.DOCKERFILE_SLIM_REQUIRE_SHARED === '1';

function missing(dir: string): string {
  return `${dir} is missing: this test needs the shared/ folder beside the checkout (CI clones main with shared/ next to it)`;
}

/**
 * `../shared/<sub>` for tests that need the shared data (corpus, oracle): a skip reason naming the folder when it
 * is missing, or a loud failure when CI requires it (DOCKERFILE_SLIM_REQUIRE_SHARED=1).
 */
export function sharedSkip(sub: string): string | false {
  const dir = path.join(sharedDir, sub);
  if (existsSync(dir)) return false;
  if (sharedRequired) throw new Error(missing(dir));
  return `needs ${dir} (not beside this checkout; CI runs it)`;
}

/** `../shared/<sub>` when it is there; undefined on a fresh clone; throws when CI requires it. */
export function sharedIfPresent(sub: string): string | undefined {
  return sharedSkip(sub) === false ? path.join(sharedDir, sub) : undefined;
}

/** The corpus tier's own files: the folder must be there (scripts/shared-tier.mjs skips the tier before they run). */
export function requireShared(sub: string): string {
  const dir = path.join(sharedDir, sub);
  if (!existsSync(dir)) throw new Error(missing(dir));
  return dir;
}

/** Property tests: `PROPERTY_SCALE` multiplies run counts (the corpus tier runs them longer). */
export function propertyRuns(n: number): number {
  const scale = Number(process.env.PROPERTY_SCALE ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
