import * as path from 'node:path';
import { existsSync } from 'node:fs';

/** Repository root, from out/test/helpers (compiled) or test/helpers (source). */
export const repoRoot = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** ../shared beside the checkout (CI clones main with shared/ next to it). */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const updateGolden = process.env.UPDATE_GOLDEN === '1';

/**
 * `../shared/<sub>` for tests that need the shared data (corpus, oracle). Outside the corpus tier a
 * missing folder is a skip reason naming it; `requireShared` (corpus tier) fails loudly instead.
 */
export function sharedSkip(sub: string): string | false {
  const dir = path.join(sharedDir, sub);
  return existsSync(dir) ? false : `needs ${dir} (the shared/ folder beside the checkout); run the corpus tier where it exists`;
}

export function requireShared(sub: string): string {
  const dir = path.join(sharedDir, sub);
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: the corpus tier needs the shared/ folder beside the checkout (CI clones main with shared/ next to it)`);
  }
  return dir;
}

/** Property tests: `PROPERTY_SCALE` multiplies run counts (the corpus tier runs them longer). */
export function propertyRuns(n: number): number {
  const scale = Number(process.env.PROPERTY_SCALE ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
