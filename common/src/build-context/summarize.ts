/** What each COPY/ADD sends from a scanned context: bytes, files, the biggest paths and the leaks among them. */
import { hasVariable, normaliseSource, sourceCovers, sourceDepth } from './copy-sources.js';
import { findLeaks } from './leaks.js';
import type { ContextSummary, CopySize } from './types.js';
import type { ContextScan } from './walk.js';

/** A COPY/ADD that reads the context: its 1-based line and source words (from `copySources`). */
export interface CopyInput {
  line: number;
  sources: string[];
}

const TOP = 8;

export function summarize(scan: ContextScan, copies: readonly CopyInput[]): ContextSummary {
  const leaks = findLeaks(scan);
  let total = 0;
  for (const s of scan.sizes) total += s;
  const out: CopySize[] = copies.map((c) => {
    const unknown = c.sources.filter(hasVariable);
    const sources = [...new Set(c.sources.filter((s) => !hasVariable(s)).map(normaliseSource))];
    const whole = sources.includes('.');
    const groups = new Map<string, number>();
    let bytes = 0;
    let files = 0;
    for (let i = 0; i < scan.files.length; i++) {
      const f = scan.files[i] as string;
      const src = whole ? '.' : sources.find((s) => sourceCovers(s, f));
      if (src === undefined) continue;
      const size = scan.sizes[i] as number;
      bytes += size;
      files++;
      // Group by the entry right below what the source names (`.git`, `src/node_modules`).
      const depth = sourceDepth(src) + 1;
      const parts = f.split('/');
      const key = parts.length > depth ? parts.slice(0, depth).join('/') : f;
      groups.set(key, (groups.get(key) ?? 0) + size);
    }
    const top = [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([path, b]) => ({ path, bytes: b }));
    const covered = leaks.filter((l) => l.paths.some((p) => sources.some((s) => sourceCovers(s, p) || sourceCovers(s, `${p}/x`))));
    return { line: c.line, bytes, files, top, leaks: covered.map((l) => ({ kind: l.kind, path: l.path, bytes: l.bytes })), unknown };
  });
  return {
    root: scan.root,
    ignoreFile: scan.ignoreFile,
    bytes: total,
    files: scan.files.length,
    complete: scan.complete,
    ...(scan.reason ? { reason: scan.reason } : {}),
    ms: scan.ms,
    copies: out,
    leaks,
  };
}
