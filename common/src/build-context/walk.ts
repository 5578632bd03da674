/**
 * Walks a build context the way BuildKit sends it: every entry not ignored by `.dockerignore`, symbolic links as
 * links (never followed, so nothing outside the context is ever read), folders that are ignored skipped unless an
 * `!` pattern may bring something back below them. Synchronous on purpose: it runs in a worker thread (the language
 * server's context worker) or the CLI, never on a thread that answers the editor. Each folder's listing is cached by
 * its mtime, so a repeat after no change costs one lstat per folder; `invalidate` forgets folders whose files
 * changed (a file's size change does not touch its folder's mtime).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IgnoreMatcher } from './ignore.js';

export interface WalkBudget {
  /** Entries (files, links, folders) listed at most. */
  maxFiles: number;
  /** Wall-clock milliseconds at most. */
  maxMs: number;
  /** Bytes read at most (only small files whose name says they may hold a private key are read). */
  maxReadBytes: number;
}

export const DEFAULT_BUDGET: WalkBudget = { maxFiles: 300_000, maxMs: 10_000, maxReadBytes: 4 << 20 };

/** One listed entry: 'f' file, 'l' symbolic link, 'd' folder, 'o' other (sockets, devices: BuildKit skips them). */
interface Entry {
  name: string;
  type: 'f' | 'l' | 'd' | 'o';
  size: number;
  /** For files that may be keys: does the content say PRIVATE KEY? */
  key?: boolean;
  /** A `.git` file pointing into another repository's `worktrees/`: this folder is a git worktree checkout. */
  worktree?: boolean;
}

interface Listing {
  mtimeMs: number;
  ino: number;
  entries: Entry[];
}

export interface ContextScan {
  root: string;
  /** The ignore file in force, relative to the context or absolute for `<Dockerfile>.dockerignore`; '' when none. */
  ignoreFile: string;
  /** Files and links the context sends (slash paths relative to the root), with their sizes. */
  files: string[];
  sizes: number[];
  /** Folders that are git worktree checkouts (a `.git` file naming `…/worktrees/…`), not the root. */
  worktrees: string[];
  /** Files whose first bytes say they hold a private key. */
  privateKeys: string[];
  folders: number;
  /** False when the budget stopped the walk; `reason` says which. */
  complete: boolean;
  reason?: string;
  ms: number;
  /** Folders whose listing came from the cache. */
  cachedFolders: number;
}

const KEY_NAME = /^(id_(rsa|dsa|ecdsa|ed25519)|.*\.(pem|key|p8))$/i;

/** Which ignore file BuildKit uses: `<Dockerfile>.dockerignore` beside the Dockerfile first, then the context's. */
export function ignoreFileFor(root: string, dockerfile: string | undefined): { file: string; text: string } | undefined {
  const candidates = [...(dockerfile ? [`${dockerfile}.dockerignore`] : []), path.join(root, '.dockerignore')];
  for (const file of candidates) {
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || st.size > 1 << 20) continue;
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch {
      /* absent */
    }
  }
  return undefined;
}

export class ContextWalker {
  private readonly listings = new Map<string, Listing>();
  /** Grows whenever a listing is read from the disk: equal generations mean the same scan result. */
  generation = 0;

  /** Forget the listing of the folder holding `absPath` (and of `absPath` itself when it is a folder). */
  invalidate(absPath: string): void {
    if (this.listings.delete(absPath)) this.generation++;
    if (this.listings.delete(path.dirname(absPath))) this.generation++;
    else this.generation++; // a changed file in a folder never listed (or already dropped): scan again to be sure
  }

  clear(): void {
    this.listings.clear();
    this.lastScan.clear();
    this.generation++;
  }

  get cachedFolders(): number {
    return this.listings.size;
  }

  /** The last complete scan per root and matcher: returned as is when no folder changed since. */
  private readonly lastScan = new Map<string, { matcher: IgnoreMatcher; ignoreFile: string; generation: number; scan: ContextScan }>();

  scan(root: string, matcher: IgnoreMatcher, ignoreFile: string, budget: WalkBudget = DEFAULT_BUDGET): ContextScan {
    const t0 = performance.now();
    const scan: ContextScan = { root, ignoreFile, files: [], sizes: [], worktrees: [], privateKeys: [], folders: 0, complete: true, ms: 0, cachedFolders: 0 };
    let listed = 0;
    let read = 0;
    const stack: Array<{ rel: string; state: boolean[] | undefined }> = [{ rel: '', state: undefined }];
    const seen = new Set<string>();
    while (stack.length) {
      const { rel, state } = stack.pop() as { rel: string; state: boolean[] | undefined };
      if (performance.now() - t0 > budget.maxMs) {
        scan.complete = false;
        scan.reason = `it took more than ${budget.maxMs / 1000} s`;
        break;
      }
      const abs = rel ? path.join(root, rel) : root;
      const listing = this.list(abs, scan, budget.maxReadBytes - read);
      if (!listing) continue;
      if (seen.has(abs)) continue;
      seen.add(abs);
      scan.folders++;
      listed += listing.entries.length;
      if (listed > budget.maxFiles) {
        scan.complete = false;
        scan.reason = `it holds more than ${budget.maxFiles.toLocaleString('en-US')} entries`;
        break;
      }
      for (const e of listing.entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.type === 'd') {
          if (!matcher.ignoresWith(p, state) || matcher.mayIncludeBelow(p)) stack.push({ rel: p, state: matcher.stateBelow(state, p) });
          continue;
        }
        if (e.worktree && rel) scan.worktrees.push(rel);
        if (e.type === 'o' || matcher.ignoresWith(p, state)) continue;
        scan.files.push(p);
        scan.sizes.push(e.size);
        if (e.key) {
          scan.privateKeys.push(p);
          read += Math.min(e.size, 4096);
        }
      }
    }
    scan.ms = performance.now() - t0;
    return scan;
  }

  /**
   * `scan`, but when every folder's mtime is what it was at the last complete scan of `root` with the same ignore
   * patterns, that scan is returned without matching a single path again: a repeat costs one lstat per folder.
   */
  scanCached(root: string, matcher: IgnoreMatcher, ignoreFile: string, budget: WalkBudget = DEFAULT_BUDGET): ContextScan {
    const t0 = performance.now();
    const last = this.lastScan.get(root);
    if (last && last.matcher === matcher && last.ignoreFile === ignoreFile && last.generation === this.generation && this.unchanged(root, budget, t0)) {
      return { ...last.scan, ms: performance.now() - t0, cachedFolders: last.scan.folders };
    }
    const scan = this.scan(root, matcher, ignoreFile, budget);
    if (scan.complete) this.lastScan.set(root, { matcher, ignoreFile, generation: this.generation, scan });
    else this.lastScan.delete(root);
    return scan;
  }

  /** Do the cached folders under `root` all still have their mtimes (and no folder was added or removed)? */
  private unchanged(root: string, budget: WalkBudget, t0: number): boolean {
    for (const [abs, l] of this.listings) {
      if (abs !== root && !abs.startsWith(root + path.sep)) continue;
      if (performance.now() - t0 > budget.maxMs) return false;
      try {
        const st = fs.lstatSync(abs);
        if (!st.isDirectory() || st.mtimeMs !== l.mtimeMs || st.ino !== l.ino) {
          this.listings.delete(abs);
          this.generation++;
          return false;
        }
      } catch {
        this.listings.delete(abs);
        this.generation++;
        return false;
      }
    }
    return true;
  }

  /** A folder's entries, from the cache when its mtime (and inode) did not change. */
  private list(abs: string, scan: ContextScan, readLeft: number): Listing | undefined {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      this.listings.delete(abs);
      return undefined;
    }
    if (!st.isDirectory()) return undefined; // the root or a folder replaced by a link: never followed
    const cached = this.listings.get(abs);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.ino === st.ino) {
      scan.cachedFolders++;
      return cached;
    }
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const entries: Entry[] = [];
    for (const d of dirents) {
      if (d.isDirectory()) {
        entries.push({ name: d.name, type: 'd', size: 0 });
        continue;
      }
      if (!d.isFile() && !d.isSymbolicLink()) {
        entries.push({ name: d.name, type: 'o', size: 0 });
        continue;
      }
      let size = 0;
      try {
        size = fs.lstatSync(path.join(abs, d.name)).size;
      } catch {
        continue; // gone meanwhile
      }
      const e: Entry = { name: d.name, type: d.isFile() ? 'f' : 'l', size };
      if (e.type === 'f' && size < 65536 && readLeft > 0 && KEY_NAME.test(d.name)) {
        e.key = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(head(path.join(abs, d.name)));
        readLeft -= 4096;
      }
      if (e.type === 'f' && d.name === '.git' && size < 4096) e.worktree = /^gitdir: .*[\\/]worktrees[\\/]/m.test(head(path.join(abs, d.name)));
      entries.push(e);
    }
    const listing = { mtimeMs: st.mtimeMs, ino: st.ino, entries };
    this.generation++;
    this.listings.set(abs, listing);
    return listing;
  }
}

/** The first 4 KiB of a file (never through a link), '' when unreadable. */
function head(file: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
