/**
 * Paths that instructions created, indexed so that "the nearest earlier creation that deleting
 * `target` removes" does not scan every earlier creation (a cleanup per RUN made DS002 quadratic).
 * The index only narrows the candidates; the caller's own predicate decides, so answers are the
 * same as a full backwards scan, except that a glob target looks at most `SCAN_CAP` candidates.
 */
import { normPath } from './commands.js';

export interface PathItem {
  /** Absolute, normalised path. */
  path: string;
  dir: boolean;
}

/** Paths deeper than this are kept in a plain list (their ancestor keys would cost depth² memory). */
const MAX_DEPTH = 64;
/** At most this many candidates are tested for one glob target (bounded work per query). */
export const SCAN_CAP = 4096;

function push(map: Map<string, number[]>, key: string, seq: number): void {
  const list = map.get(key);
  if (list) list.push(seq);
  else map.set(key, [seq]);
}

/** Strict ancestors of a normalised absolute path: '/a/b/c' → '/', '/a', '/a/b'. */
function ancestors(p: string): string[] {
  const out: string[] = [];
  if (!p.startsWith('/') || p === '/') return out;
  out.push('/');
  for (let i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i));
  return out;
}

/** The largest index in an ascending list below `limit`, or -1. */
function lastBelow(list: readonly number[], limit: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < limit) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export class PathIndex<T extends PathItem> {
  readonly items: T[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly under = new Map<string, number[]>();
  /** Directory items only, by path: the only kind a target inside them can delete part of. */
  private readonly dirs = new Map<string, number[]>();
  /** Items not under a usable key (relative or very deep paths): always candidates. */
  private readonly loose: number[] = [];

  add(item: T): void {
    const seq = this.items.length;
    this.items.push(item);
    const p = normPath(item.path);
    const anc = ancestors(p);
    if (!p.startsWith('/') || anc.length > MAX_DEPTH) {
      this.loose.push(seq);
      return;
    }
    push(this.exact, p, seq);
    if (item.dir) push(this.dirs, p, seq);
    for (const a of anc) push(this.under, a, seq);
  }

  /**
   * The last item added before `limit` (an item count) for which `matches(target, item)` holds;
   * `matches` must imply the relation deleting `target` has with the item (see layer-helpers' `deletes`).
   */
  nearest(target: string, limit: number, matches: (target: string, item: T) => boolean): T | undefined {
    const lists: number[][] = [this.loose];
    const glob = /[*?[]/.test(target);
    if (glob) {
      const lit = target.slice(0, target.search(/[*?[]/));
      const dir = lit.slice(0, lit.lastIndexOf('/'));
      if (!lit.startsWith('/') || dir === '' || normPath(dir) !== dir) return this.scan(this.allBelow(limit), target, matches);
      lists.push(this.under.get(dir) ?? []);
    } else {
      let t = normPath(target);
      if (t.endsWith('/*')) t = t.slice(0, -2) || '/';
      lists.push(this.exact.get(t) ?? [], this.under.get(t) ?? []);
    }
    // A directory item that the target lies inside (a file item there cannot be deleted by it: without
    // this, 5,000 `COPY x /opt/` and `RUN rm -rf /opt/x` each tested every earlier /opt item).
    const n = normPath(target);
    for (const a of ancestors(n)) lists.push(this.dirs.get(a) ?? []);
    if (n !== target) for (const a of ancestors(target)) lists.push(this.dirs.get(a) ?? []);
    let best = -1;
    for (const list of lists) {
      let tested = 0;
      for (let k = lastBelow(list, limit); k >= 0 && (list[k] as number) > best && tested < SCAN_CAP; k--, tested++) {
        const seq = list[k] as number;
        if (matches(target, this.items[seq] as T)) {
          best = seq;
          break;
        }
      }
    }
    return best >= 0 ? this.items[best] : undefined;
  }

  /**
   * The first `max` items added before `limit` whose (normalised) path equals `t` or (unless `exact`)
   * lies below it, in order. Items with relative or very deep paths are always included.
   */
  within(t: string, limit: number, max = Infinity, exact = false): T[] {
    const n = normPath(t);
    const seqs: number[] = [];
    for (const list of [this.exact.get(n) ?? [], exact ? [] : (this.under.get(n) ?? []), this.loose]) {
      for (let k = 0; k < list.length && k < max && (list[k] as number) < limit; k++) seqs.push(list[k] as number);
    }
    return seqs
      .sort((a, b) => a - b)
      .slice(0, max)
      .map((s) => this.items[s] as T);
  }

  private allBelow(limit: number): number[] {
    const out: number[] = [];
    for (let s = Math.max(0, Math.min(limit, this.items.length) - SCAN_CAP); s < Math.min(limit, this.items.length); s++) out.push(s);
    return out;
  }

  private scan(list: number[], target: string, matches: (target: string, item: T) => boolean): T | undefined {
    for (let k = list.length - 1; k >= 0; k--) {
      const item = this.items[list[k] as number] as T;
      if (matches(target, item)) return item;
    }
    return undefined;
  }
}
