/**
 * `.dockerignore` as BuildKit reads and applies it (moby/patternmatcher and its ignorefile reader, re-implemented):
 * `#` comments only at the start of a line, patterns trimmed and cleaned like Go's `filepath.Clean`, a leading `/`
 * dropped, `!` negation, `*` and `?` never crossing `/`, `**` crossing any number of folders, a pattern that matches
 * a parent folder matching everything under it, and the last matching pattern winning.
 */

/** Go's `path.Clean` for slash paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return rooted ? `/${s}` : s || '.';
}

/** The patterns of an ignore file, in order (ignorefile.ReadAll): `!` kept as a prefix. */
export function parseIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const raw of lines) {
    if (raw.startsWith('#')) continue; // only a `#` in the first column starts a comment
    let p = raw.trim();
    if (p === '') continue;
    const invert = p.startsWith('!');
    if (invert) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p.replace(/\\/g, '/'));
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    patterns.push(invert ? `!${p}` : p);
  }
  return patterns;
}

type Kind = 'exact' | 'prefix' | 'suffix' | 'regexp';

const ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

export class Pattern {
  readonly kind: Kind;
  readonly regexp?: RegExp;
  /** The pattern's folder components (for pruning the walk). */
  readonly dirs: string[];

  constructor(
    readonly text: string,
    readonly exclusion: boolean,
  ) {
    this.dirs = text.split('/');
    let re = '^';
    let kind: Kind = 'exact';
    const chars = [...text];
    for (let i = 0, n = 0; i < chars.length; i++, n++) {
      const ch = chars[i] as string;
      if (ch === '*') {
        if (chars[i + 1] === '*') {
          i++;
          if (chars[i + 1] === '/') i++; // `**/` is `**`
          if (i + 1 >= chars.length) {
            // `**` at the end matches everything below, as in .gitignore
            if (kind === 'exact') kind = 'prefix';
            else {
              re += '.*';
              kind = 'regexp';
            }
          } else {
            re += '(.*/)?';
            kind = 'regexp';
          }
          if (n === 0) kind = 'suffix';
        } else {
          re += '[^/]*';
          kind = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        kind = 'regexp';
      } else if (ESCAPE.has(ch)) re += `\\${ch}`;
      else if (ch === '\\') {
        if (i + 1 < chars.length) {
          re += `\\${chars[++i] as string}`;
          kind = 'regexp';
        } else re += '\\\\';
      } else if (ch === '[' || ch === ']') {
        re += ch;
        kind = 'regexp';
      } else re += ch;
    }
    this.kind = kind;
    if (kind === 'regexp') {
      // Go's `[!x]` is not a negation in its regexp syntax either; `[^x]` is, in both.
      try {
        this.regexp = new RegExp(`${re}$`);
      } catch {
        this.regexp = undefined; // a bad pattern matches nothing (BuildKit refuses the build)
      }
    }
  }

  match(path: string): boolean {
    switch (this.kind) {
      case 'exact':
        return path === this.text;
      case 'prefix':
        return path.startsWith(this.text.slice(0, -2));
      case 'suffix': {
        const suffix = this.text.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix.startsWith('/') && path === suffix.slice(1);
      }
      default:
        return this.regexp ? this.regexp.test(path) : false;
    }
  }
}

/** Minimal glob match of one path component (for pruning only; `*`, `?`, `[...]`). */
function componentMayMatch(pattern: string, name: string): boolean {
  if (pattern.includes('**')) return true;
  if (!/[*?[\\]/.test(pattern)) return pattern === name;
  return new Pattern(pattern, false).match(name);
}

export class IgnoreMatcher {
  readonly patterns: Pattern[];
  readonly exclusions: boolean;

  constructor(lines: readonly string[]) {
    this.patterns = [];
    for (const line of lines) {
      let p = line.trim();
      if (p === '') continue;
      p = cleanPath(p);
      const exclusion = p.startsWith('!');
      if (exclusion) {
        if (p.length === 1) continue; // BuildKit refuses "!"; matching nothing is the quiet choice here
        p = p.slice(1);
      }
      this.patterns.push(new Pattern(p, exclusion));
    }
    this.exclusions = this.patterns.some((p) => p.exclusion);
  }

  static fromText(text: string): IgnoreMatcher {
    return new IgnoreMatcher(parseIgnoreFile(text));
  }

  /** MatchesOrParentMatches: is `path` (slash-separated, relative to the context) ignored? */
  ignores(path: string): boolean {
    let matched = false;
    const slash = path.lastIndexOf('/');
    const parents = slash > 0 ? path.slice(0, slash).split('/') : [];
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let m = p.match(path);
      if (!m) {
        for (let i = 1; i <= parents.length && !m; i++) m = p.match(parents.slice(0, i).join('/'));
      }
      if (m) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * The per-pattern "matches a parent folder" state for entries inside `dir`, from the state of `dir`'s own folder
   * (`parent`; undefined at the root): BuildKit's MatchesUsingParentResults, so each path is matched once per pattern.
   */
  stateBelow(parent: readonly boolean[] | undefined, dir: string): boolean[] {
    return this.patterns.map((p, i) => (parent?.[i] ?? false) || p.match(dir));
  }

  /** `ignores(path)` given the state of its folder (`stateBelow`); the same answer, without re-matching parents. */
  ignoresWith(path: string, state: readonly boolean[] | undefined): boolean {
    let matched = false;
    for (let i = 0; i < this.patterns.length; i++) {
      const p = this.patterns[i] as Pattern;
      if (p.exclusion !== matched) continue;
      if ((state?.[i] ?? false) || p.match(path)) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * Could an exclusion (`!`) pattern bring back something below the ignored folder `dir`? When not, the walk skips
   * the folder as BuildKit's file walker does; when unsure, it walks in and asks about every file.
   */
  mayIncludeBelow(dir: string): boolean {
    const parts = dir.split('/');
    return this.patterns.some((p) => {
      if (!p.exclusion) return false;
      if (p.text.includes('**')) return true;
      if (p.dirs.length <= parts.length) return false; // matches at most `dir` or its parents: same answer as for `dir`
      return parts.every((name, i) => componentMayMatch(p.dirs[i] as string, name));
    });
  }
}
