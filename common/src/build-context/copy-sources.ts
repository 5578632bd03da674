/**
 * Which context paths a COPY/ADD reads: its source words (flags and destination dropped, shell or JSON form) and
 * whether a context path falls under them, with Go's `filepath.Match` per component for wildcards as BuildKit does.
 * Pure: shared by the engine's rules and the context summaries.
 */
import { cleanPath, Pattern } from './ignore.js';

/**
 * Source words of a COPY/ADD's arguments; null when it does not read the build context (`--from`, heredocs) or
 * cannot be told (a source with a variable is reported as such by `hasVariable`).
 */
export function copySources(args: string): string[] | null {
  let body = args.trim();
  for (let m = /^--(\S+)\s*/.exec(body); m; m = /^--(\S+)\s*/.exec(body)) {
    if (/^from(=|$)/i.test(m[1] ?? '')) return null;
    body = body.slice(m[0].length);
  }
  if (body.startsWith('<<')) return null;
  let words: string[];
  if (body.startsWith('[')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) return null;
      words = parsed as string[];
    } catch {
      return null;
    }
  } else words = body.split(/\s+/).filter(Boolean);
  // ADD of a URL or git repository reads the network, not the context.
  return words.slice(0, -1).filter((w) => !/^(https?|git):\/\/|^git@/.test(w));
}

/** A source as a clean path relative to the context root ('.' for the whole context). */
export function normaliseSource(src: string): string {
  const c = cleanPath(src.replace(/\\/g, '/'));
  const rel = c.replace(/^\/+/, '');
  return rel === '' || rel === '..' || rel.startsWith('../') ? '.' : rel;
}

export function hasVariable(src: string): boolean {
  return src.includes('$');
}

const compiled = new Map<string, Pattern>();

/** Does the source (normalised) cover `file` (the file itself, or a file below the folder it names)? */
export function sourceCovers(source: string, file: string): boolean {
  if (source === '.') return true;
  if (!/[*?[\\]/.test(source)) return file === source || file.startsWith(`${source}/`);
  const depth = source.split('/').length;
  const parts = file.split('/');
  if (parts.length < depth) return false;
  let p = compiled.get(source);
  if (!p) {
    p = new Pattern(source, false);
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, p);
  }
  return p.match(parts.slice(0, depth).join('/'));
}

/** How many leading components of a covered file name the source itself (0 for '.'). */
export function sourceDepth(source: string): number {
  return source === '.' ? 0 : source.split('/').length;
}
