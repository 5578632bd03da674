/**
 * Where indexes live: parsed once into the compact form in a cache directory (the extension's
 * global storage, the CLI's --index-dir, or the user cache directory), refreshed after 7 days.
 * Reading the cache never touches the network; `ensure` fetches only when allowed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompactIndex, INDEX_LIMITS, IndexBuilder } from './compact.js';
import { parseDebianPackages } from './deb-parse.js';
import { fetchBody, gunzipIndex, type FetchOptions } from './fetch.js';
import { checkFresh, checkListed, keyringFile, parseRelease, verifySigned, VerifyError } from './inrelease.js';
import type { BaseRelease } from './release.js';
import { userCacheDir } from '../platform/user-cache.js';

export const REFRESH_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_MIRRORS = { debian: 'http://deb.debian.org/debian', ubuntu: 'http://archive.ubuntu.com/ubuntu' } as const;
const COMPONENTS = { debian: ['main'], ubuntu: ['main', 'universe'] } as const;
/** Failed fetches are not retried for this long (no retry storm while typing). */
const RETRY_AFTER_MS = 10 * 60 * 1000;

export interface StoreOptions {
  dir: string;
  /** Never fetch (CLI --offline, the setting, untrusted workspaces, lint). */
  offline: boolean;
  mirrors?: Partial<Record<'debian' | 'ubuntu', string>>;
  log: (message: string) => void;
  /** Called once when a download starts (a progress notification, a stderr line). */
  progress?: (message: string) => void;
  fetch?: FetchOptions;
  now?: () => number;
  /** Folder of `debian-archive-keyring.gpg` / `ubuntu-archive-keyring.gpg` (default: the bundled resources/keyrings). */
  keyringDir?: string;
  /** The gpgv executable (default: `gpgv` on PATH). */
  gpgv?: string;
}

/** The user cache directory for indexes, per platform. */
export function defaultIndexDir(): string {
  return path.join(userCacheDir(), 'packages');
}

function mirrorOf(base: BaseRelease, mirrors: StoreOptions['mirrors'] = {}): string {
  return (mirrors[base.distro] || DEFAULT_MIRRORS[base.distro]).replace(/\/+$/, '');
}

/** Each component's Packages.gz, by its name in the Release file (`main/binary-amd64/Packages.gz`) and its URL. */
function components(base: BaseRelease, mirrors: StoreOptions['mirrors']): Array<{ name: string; url: string }> {
  const mirror = mirrorOf(base, mirrors);
  return COMPONENTS[base.distro].map((c) => ({ name: `${c}/binary-amd64/Packages.gz`, url: `${mirror}/dists/${base.codename}/${c}/binary-amd64/Packages.gz` }));
}

export function sourceUrls(base: BaseRelease, mirrors: StoreOptions['mirrors'] = {}): string[] {
  return components(base, mirrors).map((c) => c.url);
}

export function inReleaseUrl(base: BaseRelease, mirrors: StoreOptions['mirrors'] = {}): string {
  return `${mirrorOf(base, mirrors)}/dists/${base.codename}/InRelease`;
}

export function cacheFile(dir: string, base: BaseRelease): string {
  return path.join(dir, `${base.distro}-${base.codename}-amd64.pkgindex`);
}

/** Parses downloaded `Packages` texts into the compact cache text. */
export function buildCache(base: BaseRelease, texts: readonly string[], sources: string[], fetchedAt: number, releaseDate?: number): string {
  const b = new IndexBuilder(base.release);
  for (const t of texts) parseDebianPackages(t, b);
  return b.serialize(fetchedAt, sources, releaseDate);
}

export class IndexStore {
  private readonly loaded = new Map<string, { index: CompactIndex; mtime: number }>();
  private readonly inflight = new Map<string, Promise<CompactIndex | undefined>>();
  private readonly failedAt = new Map<string, number>();

  constructor(readonly options: StoreOptions) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The cached index (memory, else disk), stale or not; never fetches. */
  cached(base: BaseRelease): CompactIndex | undefined {
    const file = cacheFile(this.options.dir, base);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.loaded.get(file);
    if (hit && hit.mtime === stat.mtimeMs) return hit.index;
    try {
      if (stat.size > INDEX_LIMITS.cacheBytes) throw new Error(`larger than ${INDEX_LIMITS.cacheBytes} bytes`);
      const index = new CompactIndex(fs.readFileSync(file, 'utf8'));
      this.loaded.set(file, { index, mtime: stat.mtimeMs });
      return index;
    } catch (e) {
      this.options.log(
        `package index cache ${file} is unreadable (${(e as Error).message}); discarded, no size estimates for ${base.release} until it is fetched again`,
      );
      // Not trusted for 7 days: gone, so that the next allowed fetch replaces it.
      try {
        fs.rmSync(file, { force: true });
      } catch {
        /* not ours to remove (a folder, no permission): it stays unread */
      }
      return undefined;
    }
  }

  isFresh(index: CompactIndex): boolean {
    return this.now() - index.fetchedAt < REFRESH_MS;
  }

  /** The index for `base`: the cache when fresh; otherwise fetched, when allowed (else the stale cache). */
  ensure(base: BaseRelease): Promise<CompactIndex | undefined> {
    const cached = this.cached(base);
    if ((cached && this.isFresh(cached)) || this.options.offline) return Promise.resolve(cached);
    const failed = this.failedAt.get(base.release);
    if (failed !== undefined && this.now() - failed < RETRY_AFTER_MS) return Promise.resolve(cached);
    let p = this.inflight.get(base.release);
    if (!p) {
      p = this.download(base)
        .then(() => this.cached(base))
        .catch((e: Error) => {
          this.failedAt.set(base.release, this.now());
          this.options.log(`could not fetch the package index for ${base.release}: ${e.message}${cached ? ' (using the cached one)' : ' (no size estimates)'}`);
          return cached;
        })
        .finally(() => this.inflight.delete(base.release));
      this.inflight.set(base.release, p);
    }
    return p;
  }

  private async download(base: BaseRelease): Promise<void> {
    const parts = components(base, this.options.mirrors);
    const urls = parts.map((p) => p.url);
    this.options.progress?.(`Fetching the ${base.release} package index (${urls.length === 1 ? 'about 12 MB' : 'about 20 MB'}) for size estimates…`);
    // The signed Release first: every Packages file must be the one it lists (hash and size).
    const signed = await fetchBody(inReleaseUrl(base, this.options.mirrors), { ...this.options.fetch, maxBytes: 1024 * 1024 });
    const release = parseRelease(await verifySigned(signed, keyringFile(base.distro, this.options.keyringDir), this.options.gpgv));
    if (release.codename !== base.codename) {
      throw new VerifyError(`the signed Release is for ${release.codename ?? 'no codename'}, not ${base.codename} (an old or other release replayed?)`);
    }
    // No replay of an older genuine Release of this codename: Valid-Until, and never older than the cached one.
    checkFresh(release, this.now(), this.cached(base)?.releaseDate);
    const texts: string[] = [];
    for (const p of parts) {
      const size = release.files.get(p.name)?.size;
      const body = await fetchBody(p.url, { ...this.options.fetch, ...(size !== undefined ? { maxBytes: size } : {}) });
      checkListed(release, p.name, body);
      texts.push(gunzipIndex(body, p.url));
    }
    const fetchedAt = this.now();
    const text = buildCache(base, texts, urls, fetchedAt, release.date);
    const file = cacheFile(this.options.dir, base);
    await fs.promises.mkdir(this.options.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.promises.writeFile(tmp, text);
    await fs.promises.rename(tmp, file);
  }
}
