/**
 * Suppression comments: `# dockerfile-slim ignore=DS003,DS004` on the comment lines directly
 * above an instruction, `# dockerfile-slim global ignore=DS001` anywhere, and hadolint's
 * `# hadolint ignore=DL3009` / `global ignore=` for the hadolint rules we mirror. Text after
 * the list (e.g. `# reason`) is allowed; so is trailing whitespace.
 */
import type { Model } from './model.js';

const PRAGMA = /^#\s*(dockerfile-slim|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9,\s]+?)(?:\s+#.*)?\s*$/;

export interface Suppressions {
  global: Set<string>;
  /** 0-based instruction start line -> ids ignored there. */
  byLine: Map<number, Set<string>>;
}

export function readSuppressions(model: Model, hadolintMap: ReadonlyMap<string, string[]>): Suppressions {
  const global = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  const starts = new Set(model.instrs.map((i) => i.line));
  const { lines, text } = model;
  const ids = (tool: string, list: string): string[] => {
    const raw = list
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => s.toUpperCase());
    return tool === 'hadolint' ? raw.flatMap((dl) => hadolintMap.get(dl) ?? []) : raw;
  };
  if (!text.includes('ignore')) return { global, byLine };
  for (let ln = 0; ln < lines.lineCount; ln++) {
    const line = text.slice(lines.lineStart(ln), lines.lineEnd(ln)).trim();
    if (!line.startsWith('#') || !line.includes('ignore')) continue;
    const m = PRAGMA.exec(line);
    if (!m) continue;
    const found = ids(m[1] ?? '', m[3] ?? '');
    if (m[2]) {
      for (const id of found) global.add(id);
      continue;
    }
    // Applies to the next instruction, across further comment lines only.
    let next = ln + 1;
    while (next < lines.lineCount && !starts.has(next)) {
      const l = text.slice(lines.lineStart(next), lines.lineEnd(next)).trim();
      if (!l.startsWith('#')) break;
      next++;
    }
    if (!starts.has(next)) continue;
    const set = byLine.get(next) ?? new Set<string>();
    for (const id of found) set.add(id);
    byLine.set(next, set);
  }
  return { global, byLine };
}
