/** Shared fixtures of the package-index tests. */
import * as path from 'node:path';
import { CompactIndex, IndexBuilder } from '../../common/src/package-index/compact.js';
import { parseDebianPackages } from '../../common/src/package-index/deb-parse.js';
import { fixturesDir } from '../helpers/paths.js';

/** Recorded from http://deb.debian.org/debian dists/bookworm/main/binary-amd64/Packages.gz (2026-11-30), fields trimmed. */
export const EXCERPT = path.join(fixturesDir, 'packages', 'bookworm-excerpt.Packages');

export function indexOf(text: string, release = 'debian/bookworm'): CompactIndex {
  const b = new IndexBuilder(release);
  parseDebianPackages(text, b);
  return new CompactIndex(b.serialize(Date.UTC(2026, 10, 30), ['test']));
}
