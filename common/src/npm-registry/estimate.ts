/**
 * The size of an `npm ci` / `yarn install` layer before a build: the registry's unpacked size of every package the
 * lockfile installs (production-only when dev dependencies are omitted), plus the hidden lockfile npm writes into
 * node_modules. Packages whose size the cache does not know are counted as unknown, never guessed.
 */
import type { LockEntry, Lockfile } from './lockfile.js';
import type { NpmSize } from './size-store.js';

export interface NpmEstimate {
  bytes: number;
  /** Packages installed (of them, `unknown` without a size). */
  packages: number;
  unknown: number;
  /** Dev packages left out (production installs) or included. */
  devPackages: number;
  devBytes: number;
  production: boolean;
  /** Biggest packages, biggest first. */
  top: Array<{ name: string; bytes: number }>;
  complete: boolean;
}

/** The package manager an install line runs. */
export type NodeManager = 'npm' | 'yarn' | 'pnpm';

/**
 * One npm/yarn install line's estimate (lockfile × registry sizes): the engine's rows carry it (with their `kind`,
 * server/src/analysis/package-managers/npm-estimate.ts) and the editor receives it as it is (protocol.ts's
 * WireNpmEstimate).
 */
export interface NpmLineFigures {
  /** 1-based line of the RUN. */
  line: number;
  manager: NodeManager;
  /** Null when there is no figure (`reason` says why). */
  bytes: number | null;
  packages: number;
  /** Packages without a known size (not fetched yet, or the registry does not say). */
  unknown: number;
  production: boolean;
  /** Dev packages in the lockfile and their known size (left out when `production`). */
  devPackages: number;
  devBytes: number;
  /** Context-relative lockfile. */
  lockfile?: string;
  /** Biggest packages, biggest first. */
  top: Array<{ name: string; bytes: number }>;
  reason?: string;
}

export type NpmSizeLookup = (name: string, version: string) => NpmSize | undefined;

/** `lockBytes`: the lockfile's size (npm ci writes node_modules/.package-lock.json, about as big). */
export function estimateNpmInstall(lock: Lockfile, production: boolean, sizeOf: NpmSizeLookup, lockBytes = 0): NpmEstimate {
  let bytes = lock.kind === 'npm' ? lockBytes : 0;
  let packages = 0;
  let unknown = 0;
  let devPackages = 0;
  let devBytes = 0;
  const sized: Array<{ name: string; bytes: number }> = [];
  for (const e of lock.entries) {
    const size = e.registry ? sizeOf(e.name, e.version) : undefined;
    if (e.dev) {
      devPackages++;
      devBytes += size?.bytes ?? 0;
      if (production) continue;
    }
    packages++;
    if (!size) {
      unknown++;
      continue;
    }
    bytes += size.bytes;
    sized.push({ name: e.name, bytes: size.bytes });
  }
  sized.sort((a, b) => b.bytes - a.bytes);
  return { bytes, packages, unknown, devPackages, devBytes, production, top: sized.slice(0, 15), complete: lock.complete };
}

/** What a production install leaves out: dev packages, their size, and how many have no known size. */
export function devShare(entries: readonly LockEntry[], sizeOf: NpmSizeLookup): { packages: number; bytes: number; unknown: number } {
  let packages = 0;
  let bytes = 0;
  let unknown = 0;
  for (const e of entries) {
    if (!e.dev) continue;
    packages++;
    const s = e.registry ? sizeOf(e.name, e.version) : undefined;
    if (s) bytes += s.bytes;
    else unknown++;
  }
  return { packages, bytes, unknown };
}
