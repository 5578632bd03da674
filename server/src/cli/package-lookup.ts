/** Cached package indexes for CLI lint (never fetches): $DOCKERFILE_SLIM_INDEX_DIR or the user cache directory. */
import { defaultIndexDir, IndexStore } from '../../../common/src/package-index/store.js';
import type { PackageLookup } from '../../../common/src/package-index/types.js';

export function cachedPackages(err: (s: string) => void): PackageLookup {
  const store = new IndexStore({ dir: process.env.DOCKERFILE_SLIM_INDEX_DIR || defaultIndexDir(), offline: true, log: (m) => err(`dockerfile-slim: ${m}`) });
  return { version: 0, lookup: (base) => store.cached(base) };
}
