/**
 * The compact in-memory and on-disk form of a package index. Names are sorted and numbered;
 * the file is a header line and six text sections, and loading it allocates no per-package
 * objects: it finds line offsets (Int32Array) and decodes a package only when a resolve asks.
 * Lookups are a binary search over the sorted names.
 */
import { parseRelations } from './relations.js';
import type { Clause, PackageIndex, PackageInfo, Priority, ReleaseId } from './types.js';

export const CACHE_FORMAT = 'dockerfile-slim-pkgindex/1';
const SEP = '\x1e';

const PRIO_CHARS: Record<string, string> = { required: 'r', important: 'i', standard: 's', optional: 'o', extra: 'x' };
const PRIO_NAMES: Record<string, Priority> = { r: 'required', i: 'important', s: 'standard', o: 'optional', x: 'extra', '-': 'unknown' };

export interface IndexHeader {
  release: ReleaseId;
  /** When the source was fetched (ms since the epoch); the cache is refreshed after 7 days. */
  fetchedAt: number;
  sources: string[];
  count: number;
  /** The signed Release's `Date` (ms since the epoch) the index was verified against: a later fetch may not go back. */
  releaseDate?: number;
}

/**
 * What an index may hold, about three times the biggest real archive (Debian bookworm main: 63,436 packages, 98,125
 * names, at most 213 providers of one name, 33 required or essential packages, relation fields under 2 KB, a 4.3 MB
 * cache). A hostile mirror's 200,000 required packages or 100,000 providers of one name made every lint take 37-52 s
 * (issue 27); such an index is refused when parsed, and such a cache discarded when read.
 */
export const INDEX_LIMITS = {
  packages: 200_000,
  names: 300_000,
  providersPerName: 1_000,
  minimal: 1_000,
  fieldChars: 64 * 1024,
  cacheBytes: 64 * 1024 * 1024,
} as const;

/** An index or cache past INDEX_LIMITS. */
export class IndexLimitError extends Error {}

interface Rec {
  kib: number;
  prio: string;
  /** Relation fields as written (parsed when serializing: short-lived garbage instead of 63k retained arrays). */
  depends: string;
  recommends: string;
}

/** Accumulates parsed packages (first record of a name wins) and serializes the compact form. */
export class IndexBuilder {
  private readonly pkgs = new Map<string, Rec>();
  private readonly prov = new Map<string, Set<string>>();
  private minimal = 0;

  constructor(readonly release: ReleaseId) {}

  get count(): number {
    return this.pkgs.size;
  }

  add(p: { name: string; kib: number; priority: string; essential: boolean; depends: string; recommends: string; provides: string[] }): void {
    if (this.pkgs.has(p.name)) return; // another version of the same package: keep the first
    const L = INDEX_LIMITS;
    if (this.pkgs.size >= L.packages) throw new IndexLimitError(`more than ${L.packages} packages`);
    if (p.depends.length > L.fieldChars || p.recommends.length > L.fieldChars) {
      throw new IndexLimitError(`${p.name}: a relation field over ${L.fieldChars} characters`);
    }
    const c = PRIO_CHARS[p.priority] ?? '-';
    if ((c === 'r' || p.essential) && ++this.minimal > L.minimal) throw new IndexLimitError(`more than ${L.minimal} required or essential packages`);
    this.pkgs.set(p.name, { kib: Math.max(0, Math.round(p.kib)), prio: p.essential ? c.toUpperCase() : c, depends: p.depends, recommends: p.recommends });
    for (const v of p.provides) {
      if (v === p.name) continue;
      const set = this.prov.get(v);
      if (!set) this.prov.set(v, new Set([p.name]));
      else if (set.add(p.name).size > L.providersPerName) throw new IndexLimitError(`more than ${L.providersPerName} providers of ${v}`);
    }
  }

  serialize(fetchedAt: number, sources: string[], releaseDate?: number): string {
    const names = [...this.pkgs.keys()];
    for (const v of this.prov.keys()) if (!this.pkgs.has(v)) names.push(v);
    if (names.length > INDEX_LIMITS.names) throw new IndexLimitError(`more than ${INDEX_LIMITS.names} names`);
    names.sort();
    const id = new Map<string, string>();
    names.forEach((n, i) => id.set(n, i.toString(36)));
    // A name that is neither a package nor provided can never satisfy anything: leave it out.
    const enc = (field: string): string => {
      const out: string[] = [];
      for (const alts of parseRelations(field)) {
        const ids = alts.map((a) => id.get(a)).filter((x) => x !== undefined);
        out.push(ids.length ? ids.join('|') : '');
      }
      return out.filter(Boolean).join(',');
    };
    const kib: string[] = [];
    const prio: string[] = [];
    const dep: string[] = [];
    const rec: string[] = [];
    const prov: string[] = [];
    for (const n of names) {
      const r = this.pkgs.get(n);
      kib.push(r ? r.kib.toString(36) : '');
      prio.push(r ? r.prio : '-');
      dep.push(r ? enc(r.depends) : '');
      rec.push(r ? enc(r.recommends) : '');
      const ps = this.prov.get(n);
      prov.push(ps ? [...ps].map((p) => id.get(p)).join(' ') : '');
    }
    const header: IndexHeader = { release: this.release, fetchedAt, sources, count: this.pkgs.size, ...(releaseDate !== undefined ? { releaseDate } : {}) };
    return [
      `${CACHE_FORMAT}\n${JSON.stringify(header)}\n`,
      names.join('\n'),
      kib.join('\n'),
      prio.join(''),
      dep.join('\n'),
      rec.join('\n'),
      prov.join('\n'),
    ].join(SEP);
  }
}

/** Start offsets of the `\n`-separated lines of `s` (one extra entry: s.length + 1). */
function lineOffsets(s: string, n: number): Int32Array {
  const off = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    off[i] = pos;
    const nl = s.indexOf('\n', pos);
    pos = nl < 0 ? s.length + 1 : nl + 1;
  }
  off[n] = pos;
  return off;
}

/** Slice `id`'s line out of a section, given its line offsets. */
function lineAt(s: string, off: Int32Array, id: number): string {
  return s.slice(off[id] as number, (off[id + 1] as number) - 1);
}

export class CompactIndex implements PackageIndex {
  readonly header: IndexHeader;
  private readonly n: number;
  private readonly namesS: string;
  private readonly kibS: string;
  private readonly prioS: string;
  private readonly depS: string;
  private readonly recS: string;
  private readonly provS: string;
  private readonly nOff: Int32Array;
  private readonly kOff: Int32Array;
  private readonly dOff: Int32Array;
  private readonly rOff: Int32Array;
  private readonly pOff: Int32Array;
  private readonly decoded = new Map<number, PackageInfo | null>();
  private readonly idMemo = new Map<string, number>();
  private readonly provMemo = new Map<number, readonly string[]>();

  /** Throws on text that is not a well-formed cache (callers turn that into "no estimate" and a log line). */
  constructor(text: string) {
    const nl = text.indexOf('\n');
    if (nl < 0 || text.slice(0, nl) !== CACHE_FORMAT) throw new Error(`not a ${CACHE_FORMAT} cache`);
    const L = INDEX_LIMITS;
    if (text.length > L.cacheBytes) throw new IndexLimitError(`index cache over ${L.cacheBytes} bytes`);
    const sec = text.split(SEP);
    if (sec.length !== 7) throw new Error('index cache is truncated or corrupt');
    this.header = JSON.parse((sec[0] as string).slice(nl + 1)) as IndexHeader;
    [this.namesS, this.kibS, this.prioS, this.depS, this.recS, this.provS] = sec.slice(1) as [string, string, string, string, string, string];
    const n = this.prioS.length;
    this.n = n;
    this.nOff = lineOffsets(this.namesS, n);
    this.kOff = lineOffsets(this.kibS, n);
    this.dOff = lineOffsets(this.depS, n);
    this.rOff = lineOffsets(this.recS, n);
    this.pOff = lineOffsets(this.provS, n);
    const ok = (s: string, o: Int32Array): boolean => o[n] === s.length + 1 || (n === 0 && s.length === 0);
    if (![ok(this.namesS, this.nOff), ok(this.kibS, this.kOff), ok(this.depS, this.dOff), ok(this.recS, this.rOff), ok(this.provS, this.pOff)].every(Boolean)) {
      throw new Error('index cache is truncated or corrupt');
    }
    this.checkLimits();
  }

  /** One pass over the line offsets and priorities: a cache past INDEX_LIMITS is not believed. */
  private checkLimits(): void {
    const L = INDEX_LIMITS;
    if (this.n > L.names || !(this.header.count >= 0 && this.header.count <= L.packages)) {
      throw new IndexLimitError(`index cache over ${L.names} names or ${L.packages} packages`);
    }
    let minimal = 0;
    for (let i = 0; i < this.n; i++) {
      const c = this.prioS[i] as string;
      if ((c === 'r' || (c !== '-' && c !== c.toLowerCase())) && ++minimal > L.minimal) {
        throw new IndexLimitError(`index cache with over ${L.minimal} required packages`);
      }
      const dep = (this.dOff[i + 1] as number) - (this.dOff[i] as number);
      const rec = (this.rOff[i + 1] as number) - (this.rOff[i] as number);
      // Each provider id is at most 4 base-36 digits and a space.
      const prov = (this.pOff[i + 1] as number) - (this.pOff[i] as number);
      if (dep > L.fieldChars || rec > L.fieldChars || prov > 5 * L.providersPerName) throw new IndexLimitError(`index cache entry ${i} over its limits`);
    }
  }

  get release(): ReleaseId {
    return this.header.release;
  }
  get size(): number {
    return this.header.count;
  }
  get fetchedAt(): number {
    return this.header.fetchedAt;
  }
  /** The signed Release's Date this index was verified against (undefined in caches written before it was kept). */
  get releaseDate(): number | undefined {
    const d = this.header.releaseDate;
    return typeof d === 'number' && Number.isFinite(d) ? d : undefined;
  }

  private nameOf(id: number): string {
    return lineAt(this.namesS, this.nOff, id);
  }

  private idOf(name: string): number {
    const memo = this.idMemo.get(name);
    if (memo !== undefined) return memo;
    const id = this.search(name);
    if (this.idMemo.size < 100_000) this.idMemo.set(name, id);
    return id;
  }

  private search(name: string): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.nameOf(mid);
      if (m === name) return mid;
      if (m < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private decode(s: string): Clause[] {
    if (!s) return [];
    return s.split(',').map((alts) => alts.split('|').map((a) => this.nameOf(parseInt(a, 36))));
  }

  get(name: string): PackageInfo | undefined {
    const id = this.idOf(name);
    if (id < 0) return undefined;
    let info = this.decoded.get(id);
    if (info === undefined) {
      const kib = lineAt(this.kibS, this.kOff, id);
      if (kib === '') info = null;
      else {
        const c = this.prioS[id] ?? '-';
        info = {
          name,
          installedBytes: parseInt(kib, 36) * 1024,
          priority: PRIO_NAMES[c.toLowerCase()] ?? 'unknown',
          essential: c !== c.toLowerCase(),
          depends: this.decode(lineAt(this.depS, this.dOff, id)),
          recommends: this.decode(lineAt(this.recS, this.rOff, id)),
        };
      }
      this.decoded.set(id, info);
    }
    return info ?? undefined;
  }

  providers(name: string): readonly string[] {
    const id = this.idOf(name);
    if (id < 0) return [];
    let out = this.provMemo.get(id);
    if (!out) {
      const list = lineAt(this.provS, this.pOff, id);
      out = list ? list.split(' ').map((p) => this.nameOf(parseInt(p, 36))) : [];
      this.provMemo.set(id, out);
    }
    return out;
  }

  /** Provider id → the virtual ids it provides; built on first use, in one pass over the providers section. */
  private reverse: Map<number, number[]> | undefined;

  provides(name: string): readonly string[] {
    if (!this.reverse) {
      const rev = new Map<number, number[]>();
      for (let v = 0; v < this.n; v++) {
        const list = lineAt(this.provS, this.pOff, v);
        if (!list) continue;
        for (const p of list.split(' ')) {
          const id = parseInt(p, 36);
          const vs = rev.get(id);
          if (vs) vs.push(v);
          else rev.set(id, [v]);
        }
      }
      this.reverse = rev;
    }
    const id = this.idOf(name);
    return id < 0 ? [] : (this.reverse.get(id) ?? []).map((v) => this.nameOf(v));
  }

  *names(): Iterable<string> {
    for (let i = 0; i < this.n; i++) if (lineAt(this.kibS, this.kOff, i) !== '') yield this.nameOf(i);
  }

  /** Essential and Priority: required packages (the seed of debootstrap's minbase). */
  minimalSet(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) {
      const c = this.prioS[i] as string;
      if (c === 'r' || (c !== '-' && c !== c.toLowerCase())) out.push(this.nameOf(i));
    }
    return out;
  }
}
