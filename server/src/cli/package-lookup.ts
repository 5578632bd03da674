/**
 * Cached package indexes for CLI lint and fix (never fetches): $DOCKERFILE_SLIM_INDEX_DIR or the user
 * cache directory, the same folder for both commands so that `fix` applies what `lint` calls safe.
 */
import { defaultIndexDir, IndexStore } from '../../../common/src/package-index/store.js';
import type { BaseRelease } from '../../../common/src/package-index/release.js';
import type { PackageLookup } from '../../../common/src/package-index/types.js';

export interface CliPackages extends PackageLookup {
  /** Releases a rule asked for that have no cached index (for one notice per release). */
  readonly missing: ReadonlySet<string>;
}

export function cachedPackages(err: (s: string) => void): CliPackages {
  const store = new IndexStore({ dir: process.env.DOCKERFILE_SLIM_INDEX_DIR || defaultIndexDir(), offline: true, log: (m) => err(`dockerfile-slim: ${m}`) });
  const missing = new Set<string>();
  return {
    version: 0,
    missing,
    lookup: (base: BaseRelease) => {
      const index = store.cached(base);
      if (!index) missing.add(base.release);
      return index;
    },
  };
}

/** The notice `lint` prints once per release it had no index for (stderr; the JSON and SARIF outputs do not change). */
export function missingIndexNotice(release: string): string {
  return `dockerfile-slim: no package index for ${release} yet, so no sizes for its apt installs: open the file in the editor or run \`dockerfile-slim estimate FILE\``;
}
