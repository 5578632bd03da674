/**
 * Which context files one COPY/ADD sends, with the BuildKit 1.7 (labs, stable since 1.10) flags applied:
 *
 * - `--exclude=PATTERN` (repeatable): patterns in `.dockerignore` syntax (moby/patternmatcher: `*`, `?`, `**`, `!`,
 *   a pattern matching a parent folder excluding everything below it), matched against each path relative to the
 *   source it is copied from (fsutil's copier matches the components below the source root): below a folder source
 *   relative to that folder, for `.` relative to the context; for a wildcard source also relative to the folder
 *   before the first wildcard, so `COPY --exclude=*.txt hom* /mydir/` leaves out `homefile.txt` as documented.
 *   A source naming one file is never excluded by its own name.
 * - `--parents`: each source is a pattern from the context root (or from a `/./` pivot: `x/./y/*.txt` copies
 *   `y/…` from `x`), matched like an include pattern (a match on a folder sends everything below it, `**` crosses
 *   folders); exclude patterns are relative to the pivot. The bytes sent do not depend on where they land.
 *
 * Pure: shared by the context summaries and DS017.
 */
import { copySources, hasVariable, normaliseSource, sourceCovers, sourceDepth } from './copy-sources.js';
import { cleanPath, IgnoreMatcher } from './ignore.js';

export interface CopyFlags {
  exclude: string[];
  parents: boolean;
}

/** `--exclude` and `--parents` of a COPY/ADD's arguments (the leading `--flag[=value]` words). */
export function copyFlags(args: string): CopyFlags {
  const out: CopyFlags = { exclude: [], parents: false };
  let body = args.trim();
  for (let m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(body); m; m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(body)) {
    const name = (m[1] ?? '').toLowerCase();
    const value = unquote(m[2] ?? '');
    if (name === 'exclude' && value) out.exclude.push(value);
    if (name === 'parents') out.parents = m[2] === undefined || /^(true|1)$/i.test(value);
    body = body.slice(m[0].length);
  }
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s;
}

/** A pattern as patternmatcher reads it: cleaned, forward slashes, no leading `/`. */
function cleanPattern(p: string): string {
  const neg = p.startsWith('!');
  let t = cleanPath((neg ? p.slice(1) : p).trim().replace(/\\/g, '/'));
  if (t.length > 1 && t.startsWith('/')) t = t.slice(1);
  return neg ? `!${t}` : t;
}

const rel = (base: string, file: string): string | undefined =>
  base === '' ? file : file === base ? '' : file.startsWith(`${base}/`) ? file.slice(base.length + 1) : undefined;

interface Rule {
  /** Does the rule send `file`? Returns the paths exclusion is tested on ('' never excluded), or undefined. */
  match(file: string): string[] | undefined;
  /** Components of a sent path that the source names (grouping one level below). */
  depth: number;
}

function plainRule(src: string): Rule {
  if (src === '.') return { match: (f) => [f], depth: 0 };
  const depth = sourceDepth(src);
  if (!/[*?[\\]/.test(src)) return { match: (f) => (sourceCovers(src, f) ? [rel(src, f) ?? ''] : undefined), depth };
  const parts = src.split('/');
  const fixed = parts
    .slice(
      0,
      parts.findIndex((p) => /[*?[\\]/.test(p)),
    )
    .join('/');
  return {
    match(f) {
      if (!sourceCovers(src, f)) return undefined;
      const m = f.split('/').slice(0, depth).join('/');
      return [rel(m, f) ?? '', rel(fixed, f) ?? ''];
    },
    depth,
  };
}

function parentsRule(raw: string): Rule {
  let s = raw
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  const pivot = s.indexOf('/./');
  const base = pivot >= 0 ? cleanPath(s.slice(0, pivot)) : '';
  s = pivot >= 0 ? s.slice(pivot + 3) : s;
  const pattern = cleanPattern(s);
  const root = base === '.' || base.startsWith('..') ? '' : base;
  const include = pattern === '.' ? undefined : new IgnoreMatcher([pattern]);
  return {
    match(f) {
      const r = rel(root, f);
      if (r === undefined || r === '') return undefined;
      return !include || include.ignores(r) ? [r] : undefined;
    },
    depth: (root ? root.split('/').length : 0) + (pattern === '.' ? 0 : pattern.split('/').length),
  };
}

/** What one COPY/ADD sends: `select` per file, `covers` for a path and everything below it. */
export class CopySelector {
  private readonly rules: Rule[];
  private readonly excluder?: IgnoreMatcher;
  /** Normalised sources (for grouping and callers that name sources). */
  readonly sources: string[];

  constructor(rawSources: readonly string[], flags: CopyFlags = { exclude: [], parents: false }) {
    const raw = [...new Set(rawSources.filter((s) => !hasVariable(s)))];
    // `.` first: it sends everything, grouped one level below the context root.
    this.sources = [...new Set(raw.map(normaliseSource))].sort((a, b) => Number(b === '.') - Number(a === '.'));
    this.rules = flags.parents ? raw.map(parentsRule) : this.sources.map(plainRule);
    if (flags.exclude.length) this.excluder = new IgnoreMatcher(flags.exclude.map(cleanPattern));
  }

  static of(args: string): CopySelector | null {
    const sources = copySources(args);
    return sources ? new CopySelector(sources, copyFlags(args)) : null;
  }

  /** The depth to group `file` by when this COPY sends it; undefined when it does not. */
  select(file: string): number | undefined {
    for (const r of this.rules) {
      const paths = r.match(file);
      if (!paths) continue;
      if (this.excluder && paths.some((p) => p !== '' && this.excluder?.ignores(p))) continue; // another source may send it
      return r.depth;
    }
    return undefined;
  }

  /** Does it send `path` (a file) or anything below it (a folder)? */
  covers(path: string): boolean {
    return this.select(path) !== undefined || this.select(`${path}/x`) !== undefined;
  }
}
