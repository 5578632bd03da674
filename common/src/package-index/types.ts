/**
 * Package knowledge, independent of the distribution: an index answers what a name is (a real
 * package with an installed size, or a virtual name that others provide) and what it depends on.
 * Debian/Ubuntu `Packages` files fill it today; Alpine's APKINDEX (`D:` depends, `p:` provides,
 * `I:` installed size, no recommends) fits the same shape.
 */
import type { BaseRelease } from './release.js';

/** `debian/bookworm`, `ubuntu/noble`, later `alpine/v3.20`. */
export type ReleaseId = string;

/** One dependency clause: any one alternative satisfies it (`a | b`). Names only, versions ignored. */
export type Clause = readonly string[];

export type Priority = 'required' | 'important' | 'standard' | 'optional' | 'extra' | 'unknown';

export interface PackageInfo {
  name: string;
  /** Installed size in bytes (Debian's Installed-Size is KiB). */
  installedBytes: number;
  priority: Priority;
  essential: boolean;
  /** Depends and Pre-Depends. */
  depends: readonly Clause[];
  recommends: readonly Clause[];
}

/** What every index (Debian, Ubuntu, later Alpine) offers the resolver. */
export interface PackageIndex {
  readonly release: ReleaseId;
  /** Number of real packages. */
  readonly size: number;
  /** A real package by name, or undefined for virtual or unknown names. */
  get(name: string): PackageInfo | undefined;
  /** Real packages providing `name` (not including a real package of that name). */
  providers(name: string): readonly string[];
  /** Virtual names the real package `name` provides (the reverse of providers), when the index keeps them indexed. */
  provides?(name: string): readonly string[];
  /** Every real package's name. */
  names(): Iterable<string>;
  /** What the distribution's smallest root filesystem holds before anything else (Debian: Essential + required). */
  minimalSet(): string[];
}

/** The answer for one install line. */
export interface Resolution {
  /** Packages apt would add, biggest first. */
  added: Array<{ name: string; bytes: number }>;
  bytes: number;
  /** Requested names the index does not know (or cannot choose a provider for). */
  unknown: string[];
}

/** Indexes already in memory, for lint (which never fetches and never waits). */
export interface PackageLookup {
  /** Changes whenever an index is loaded or replaced (so cached lint results are not reused). */
  readonly version: number;
  lookup(base: BaseRelease): PackageIndex | undefined;
}
