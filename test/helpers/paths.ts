import * as path from 'node:path';

/** Repository root, from out/test/helpers (compiled) or test/helpers (source). */
export const repoRoot = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** ../shared beside the checkout (CI clones main with shared/ next to it). */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const updateGolden = process.env.UPDATE_GOLDEN === '1';
