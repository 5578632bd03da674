// The layer lens's words, pure (no VS Code): which instructions make no layer, and "removed later" (files
// deleted) vs "replaced later" (files overwritten), never pointing at the lens's own line.
import { formatBytes, type LineWaste } from '../../common/src/image-layers/index.js';

/** Instructions that only change image metadata: Docker makes no layer (or an empty one) for them. */
const METADATA = new Set([
  'ENV',
  'ARG',
  'LABEL',
  'EXPOSE',
  'USER',
  'CMD',
  'ENTRYPOINT',
  'WORKDIR',
  'VOLUME',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
  'ONBUILD',
  'MAINTAINER',
]);

/** A metadata instruction with an empty layer (a WORKDIR that created a folder has bytes and keeps its lens). */
export function makesNoLayer(keyword: string, bytes: number): boolean {
  return bytes <= 0 && METADATA.has(keyword.toUpperCase());
}

/** Waste smaller than both of these is not worth a word on the lens (1.3 kB of a 444 MB layer). */
export const WASTE_MIN_BYTES = 1_000_000;
export const WASTE_MIN_SHARE = 0.01;

/**
 * " · 5 B replaced later at line 3" / " · 21.0 MB removed later at line 4"; '' when nothing is wasted elsewhere,
 * or less than 1 MB and less than 1% of the layer's `layerBytes` (default: the layer size the waste was computed for).
 */
export function wasteSuffix(w: LineWaste, ownLine: number, layerBytes = w.bytes): string {
  // Bytes a layer on the same line removed (inside the base image, say) are not this line's waste to fix.
  const elsewhere = w.removedAt.filter((r) => r.line !== ownLine);
  const bytes = elsewhere.reduce((s, r) => s + r.bytes, 0);
  if (bytes <= 0) return '';
  if (bytes < WASTE_MIN_BYTES && bytes < WASTE_MIN_SHARE * layerBytes) return '';
  const lines = elsewhere.map((r) => r.line).filter((n): n is number => typeof n === 'number' && n > 0);
  // A remover whose line was edited since the build has no line any more: say "later" only.
  const where = lines.length === elsewhere.length ? ` at line${lines.length > 1 ? 's' : ''} ${[...new Set(lines)].join(', ')}` : '';
  return ` · ${formatBytes(bytes)} ${verb(w, ownLine)} later${where}`;
}

/** What happened to most of the bytes: deleted ("removed") or overwritten ("replaced"). */
function verb(w: LineWaste, ownLine: number): string {
  let deleted = 0;
  let overwritten = 0;
  for (const f of w.topWasted) {
    if (f.removedAtLine === ownLine) continue;
    if (f.how === 'overwritten') overwritten += f.bytes;
    else deleted += f.bytes;
  }
  return overwritten > deleted ? 'replaced' : 'removed';
}
