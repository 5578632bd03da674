/**
 * Installed sizes of npm packages from the registry's metadata (`dist.unpackedSize` of
 * https://registry.npmjs.org/<name>/<version>; when a registry or mirror leaves it out, the package's tarball on the
 * same host, checked against its integrity and measured, see tarball.ts), cached in one JSON file in the package-index cache folder (an
 * exact version's size never changes, so entries never expire). Reading the cache never touches the network; `ensure`
 * fetches only when allowed (the same consent and trust rules as the apt indexes), with budgets: packages per call,
 * parallel requests, bytes per answer, an overall deadline, and no retry for 10 minutes after a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchBody, type FetchOptions } from '../package-index/fetch.js';
import { checkIntegrity, tarballSize } from './tarball.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';
export const NPM_CACHE_FILE = 'npm-sizes.json';
/** Entries the cache file keeps at most (a few MB of JSON). */
export const MAX_CACHED = 200_000;
const MAX_CACHE_BYTES = 32 * 1024 * 1024;
const RETRY_AFTER_MS = 10 * 60 * 1000;

/** Bytes and files of one package version; null: the registry does not say (old packages, not found). */
export type NpmSize = { bytes: number; files: number } | null;

export interface NpmStoreOptions {
  dir: string;
  offline: boolean;
  registry?: string;
  log: (message: string) => void;
  progress?: (message: string) => void;
  /** Per answer (a version's metadata is a few kB; 4 MB at most). */
  fetch?: FetchOptions;
  /** Packages fetched per `ensure` at most (default 3000). */
  maxPerCall?: number;
  /** Parallel requests (default 8). */
  parallel?: number;
  /** The whole `ensure` (default 120 s); what is left is fetched next time. */
  deadlineMs?: number;
  now?: () => number;
}

export const npmKey = (name: string, version: string): string => `${name}@${version}`;

/** The metadata URL of one version (`@scope/name` → `@scope%2Fname`). */
export function versionUrl(registry: string, name: string, version: string): string {
  return `${registry.replace(/\/+$/, '')}/${name.replace('/', '%2F')}/${encodeURIComponent(version)}`;
}

interface VersionDoc {
  name?: unknown;
  version?: unknown;
  dist?: { unpackedSize?: unknown; fileCount?: unknown; tarball?: unknown; integrity?: unknown; shasum?: unknown };
}

/**
 * The size in an answer, checked against what was asked (a wrong package is no answer); when the metadata has no
 * `dist.unpackedSize`, the tarball to measure instead (only on the registry's own host).
 */
export function sizeOfAnswer(
  body: string,
  name: string,
  version: string,
  registry = DEFAULT_NPM_REGISTRY,
): NpmSize | { tarball: string; integrity?: string; shasum?: string } {
  const doc = JSON.parse(body) as VersionDoc;
  if (doc.name !== name || doc.version !== version) throw new Error(`the registry answered for ${String(doc.name)}@${String(doc.version)}`);
  const bytes = doc.dist?.unpackedSize;
  if (typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0) {
    return { bytes, files: typeof doc.dist?.fileCount === 'number' ? doc.dist.fileCount : 0 };
  }
  const tarball = doc.dist?.tarball;
  if (typeof tarball !== 'string') return null;
  let host: string;
  try {
    host = new URL(tarball).host;
  } catch {
    return null;
  }
  if (host !== new URL(registry).host) return null; // a tarball elsewhere is not fetched
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { tarball, integrity: str(doc.dist?.integrity), shasum: str(doc.dist?.shasum) };
}

export class NpmSizeStore {
  private sizes: Map<string, NpmSize> | undefined;
  private mtime = -1;
  private failedAt = -Infinity;
  private inflight: Promise<number> | undefined;
  /** Changes whenever sizes are loaded or added (cached lint results are then not reused). */
  version = 0;

  constructor(readonly options: NpmStoreOptions) {}

  get file(): string {
    return path.join(this.options.dir, NPM_CACHE_FILE);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The cache as it is on disk (re-read when the file changed); never fetches. */
  private load(): Map<string, NpmSize> {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(this.file);
    } catch {
      stat = undefined;
    }
    if (this.sizes && (stat?.mtimeMs ?? -1) === this.mtime) return this.sizes;
    const sizes = new Map<string, NpmSize>();
    if (stat) {
      try {
        if (stat.size > MAX_CACHE_BYTES) throw new Error(`larger than ${MAX_CACHE_BYTES} bytes`);
        const doc = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { sizes?: Record<string, unknown> };
        for (const [k, v] of Object.entries(doc.sizes ?? {})) {
          if (v === null) sizes.set(k, null);
          else if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') sizes.set(k, { bytes: v[0], files: v[1] });
          if (sizes.size >= MAX_CACHED) break;
        }
      } catch (e) {
        this.options.log(`npm size cache ${this.file} is unreadable (${(e as Error).message}); ignored`);
      }
    }
    this.sizes = sizes;
    this.mtime = stat?.mtimeMs ?? -1;
    this.version++;
    return sizes;
  }

  /** A cached size: undefined when never fetched, null when the registry does not say. */
  cached(name: string, version: string): NpmSize | undefined {
    return this.load().get(npmKey(name, version));
  }

  /** Which of `wanted` have no cached answer yet. */
  missing(wanted: ReadonlyArray<{ name: string; version: string }>): Array<{ name: string; version: string }> {
    const sizes = this.load();
    const seen = new Set<string>();
    return wanted.filter((w) => {
      const k = npmKey(w.name, w.version);
      if (sizes.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /** Fetches what is missing (when allowed); resolves to how many sizes were added. One run at a time. */
  ensure(wanted: ReadonlyArray<{ name: string; version: string }>): Promise<number> {
    if (this.options.offline || this.now() - this.failedAt < RETRY_AFTER_MS) return Promise.resolve(0);
    const todo = this.missing(wanted).slice(0, this.options.maxPerCall ?? 3000);
    if (!todo.length) return Promise.resolve(0);
    this.inflight ??= this.download(todo).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async download(todo: Array<{ name: string; version: string }>): Promise<number> {
    const registry = this.options.registry || DEFAULT_NPM_REGISTRY;
    this.options.progress?.(
      `Fetching npm registry metadata for ${todo.length} package${todo.length === 1 ? '' : 's'} (about ${Math.max(1, Math.round(todo.length * 3))} kB) for size estimates…`,
    );
    const got = new Map<string, NpmSize>();
    const deadline = this.now() + (this.options.deadlineMs ?? 120_000);
    const fetchOpts: FetchOptions = { idleTimeoutMs: 15_000, deadlineMs: 30_000, maxBytes: 4 * 1024 * 1024, ...this.options.fetch };
    let next = 0;
    let failures = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length && this.now() < deadline && failures < 20) {
        const w = todo[next++] as { name: string; version: string };
        const url = versionUrl(registry, w.name, w.version);
        try {
          const body = await fetchBody(url, fetchOpts);
          let size = sizeOfAnswer(body.toString('utf8'), w.name, w.version, registry);
          if (size && 'tarball' in size) {
            // No unpackedSize in the metadata (mirrors drop it): measure the package's own tarball.
            const tgz = await fetchBody(size.tarball, { ...fetchOpts, deadlineMs: 120_000, maxBytes: 128 * 1024 * 1024 });
            checkIntegrity(tgz, size.integrity, size.shasum);
            size = tarballSize(tgz);
          }
          got.set(npmKey(w.name, w.version), size);
        } catch (e) {
          const msg = (e as Error).message;
          // Not found is an answer (a private or unpublished package): remembered as "unknown".
          if (/HTTP 404/.test(msg)) got.set(npmKey(w.name, w.version), null);
          else if (++failures === 1) this.options.log(`npm registry: ${msg}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.parallel ?? 8) }, worker));
    if (failures >= 20 || got.size === 0) this.failedAt = this.now();
    if (got.size) await this.save(got);
    return got.size;
  }

  private async save(got: Map<string, NpmSize>): Promise<void> {
    const all = new Map([...this.load(), ...got]);
    const sizes: Record<string, [number, number] | null> = {};
    let n = 0;
    for (const [k, v] of all) {
      if (n++ >= MAX_CACHED) break;
      sizes[k] = v ? [v.bytes, v.files] : null;
    }
    await fs.promises.mkdir(this.options.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify({ version: 1, registry: this.options.registry || DEFAULT_NPM_REGISTRY, sizes }));
    await fs.promises.rename(tmp, this.file);
    this.sizes = undefined;
  }
}
