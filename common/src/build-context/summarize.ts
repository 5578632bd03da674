/** What each COPY/ADD sends from a scanned context: bytes, files, the biggest paths and the leaks among them. */
import { hasVariable } from './copy-sources.js';
import { CopySelector } from './copy-select.js';
import { findLeaks } from './leaks.js';
import type { ContextSummary, CopySize } from './types.js';
import type { ContextScan } from './walk.js';

/** A COPY/ADD that reads the context: its 1-based line, source words (from `copySources`) and flags (`copyFlags`). */
export interface CopyInput {
  line: number;
  sources: string[];
  /** `--exclude` patterns. */
  exclude?: string[];
  /** `--parents`. */
  parents?: boolean;
}

const TOP = 8;

export function summarize(scan: ContextScan, copies: readonly CopyInput[]): ContextSummary {
  const leaks = findLeaks(scan);
  let total = 0;
  for (const s of scan.sizes) total += s;
  const out: CopySize[] = copies.map((c) => {
    const unknown = c.sources.filter(hasVariable);
    const selector = new CopySelector(c.sources, { exclude: c.exclude ?? [], parents: !!c.parents });
    const groups = new Map<string, number>();
    let bytes = 0;
    let files = 0;
    for (let i = 0; i < scan.files.length; i++) {
      const f = scan.files[i] as string;
      const at = selector.select(f);
      if (at === undefined) continue;
      const size = scan.sizes[i] as number;
      bytes += size;
      files++;
      // Group by the entry right below what the source names (`.git`, `src/node_modules`).
      const depth = at + 1;
      const parts = f.split('/');
      const key = parts.length > depth ? parts.slice(0, depth).join('/') : f;
      groups.set(key, (groups.get(key) ?? 0) + size);
    }
    const top = [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([path, b]) => ({ path, bytes: b }));
    const covered = leaks.filter((l) => l.paths.some((p) => selector.covers(p)));
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
