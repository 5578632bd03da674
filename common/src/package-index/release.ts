/**
 * The distribution release (and what the image installs on top of it) from a base image
 * reference. Only tags that name a release are mapped: `python:3.12-slim` follows whatever
 * Debian is current when it is pulled, so it gets no estimate rather than a guess.
 */
import type { ReleaseId } from './types.js';

export interface BaseRelease {
  release: ReleaseId;
  distro: 'debian' | 'ubuntu';
  codename: string;
  /** Key of FLAVOUR_PACKAGES: what the image installs on top of minbase. */
  flavour: string;
  /** A `-slim` image: its dpkg config skips docs, man pages and locales, so installed sizes overstate layers. */
  slim?: boolean;
}

const DEBIAN: Record<string, string> = {
  bullseye: 'bullseye',
  '11': 'bullseye',
  bookworm: 'bookworm',
  '12': 'bookworm',
  trixie: 'trixie',
  '13': 'trixie',
  // Suite names as of this release of the extension (Debian 13 "trixie" is stable since 2025-08).
  stable: 'trixie',
  oldstable: 'bookworm',
};
const UBUNTU: Record<string, string> = {
  focal: 'focal',
  '20.04': 'focal',
  jammy: 'jammy',
  '22.04': 'jammy',
  noble: 'noble',
  '24.04': 'noble',
};
const CODENAMES = new Set(['bullseye', 'bookworm', 'trixie']);
const UBUNTU_CODENAMES = new Set(['focal', 'jammy', 'noble']);

/** `registry:5000/library/python:3.12-slim@sha256:…` → { repo: 'python', tag: '3.12-slim' }. */
export function splitImage(ref: string): { repo: string; tag: string } | undefined {
  const noDigest = ref.split('@')[0] ?? '';
  const slash = noDigest.lastIndexOf('/');
  const last = noDigest.slice(slash + 1);
  const colon = last.indexOf(':');
  const repo = (colon < 0 ? last : last.slice(0, colon)).toLowerCase();
  const tag = colon < 0 ? 'latest' : last.slice(colon + 1).toLowerCase();
  if (!repo || !tag || ref.includes('$')) return undefined;
  return { repo, tag };
}

/**
 * The release behind an image reference, or undefined when the tag does not say. The
 * repository's last path component decides, so mirrors (`mirror.corp/library/debian:12`) and
 * locally built stand-ins (`local/debian:bookworm`) map like the official image.
 */
export function releaseOfImage(ref: string): BaseRelease | undefined {
  const parsed = splitImage(ref.trim());
  if (!parsed) return undefined;
  const { repo, tag } = parsed;
  const tokens = tag.split('-');
  const slim = tokens.includes('slim');
  const debian = (codename: string, flavour: string): BaseRelease => ({
    release: `debian/${codename}`,
    distro: 'debian',
    codename,
    flavour,
    ...(slim ? { slim } : {}),
  });
  if (repo === 'debian') {
    // bookworm, bookworm-slim, bookworm-20240110-slim, 12, 12.5-slim, stable-slim
    const first = (tokens[0] ?? '').replace(/^(\d+)\.\d+$/, '$1');
    const c = DEBIAN[first];
    return c ? debian(c, 'minbase') : undefined;
  }
  if (repo === 'ubuntu') {
    const first = tokens[0] ?? '';
    const c = UBUNTU[first];
    return c ? { release: `ubuntu/${c}`, distro: 'ubuntu', codename: c, flavour: 'minbase' } : undefined;
  }
  const codename = tokens.find((t) => CODENAMES.has(t));
  if (repo === 'buildpack-deps') {
    const c = tokens[0] && (CODENAMES.has(tokens[0]) ? tokens[0] : undefined);
    if (c) {
      const variant = tokens[1] === 'curl' ? 'buildpack-curl' : tokens[1] === 'scm' ? 'buildpack-scm' : tokens.length === 1 ? 'buildpack' : undefined;
      return variant ? debian(c, variant) : undefined;
    }
    const u = tokens[0] && UBUNTU_CODENAMES.has(tokens[0]) ? tokens[0] : undefined;
    if (u && tokens.length === 1) return { release: `ubuntu/${u}`, distro: 'ubuntu', codename: u, flavour: 'buildpack' };
    return undefined;
  }
  if (repo === 'python' && codename) return debian(codename, tokens.includes('slim') ? 'python-slim' : 'buildpack');
  if (repo === 'node' && codename) return debian(codename, tokens.includes('slim') ? 'minbase' : 'buildpack');
  return undefined;
}

/** Releases with no index support (too old for the archives the estimates read), by tag, for a clear word why. */
const UNSUPPORTED: Record<string, Record<string, string>> = {
  debian: {
    jessie: 'jessie',
    '8': 'jessie',
    stretch: 'stretch',
    '9': 'stretch',
    buster: 'buster',
    '10': 'buster',
    sid: 'sid',
    unstable: 'sid',
    testing: 'testing',
  },
  ubuntu: { trusty: 'trusty', '14.04': 'trusty', xenial: 'xenial', '16.04': 'xenial', bionic: 'bionic', '18.04': 'bionic' },
};

/**
 * Why an image gets no estimate, when it is Debian or Ubuntu: `ubuntu:xenial (not supported)` for a release
 * without index support, `ubuntu:latest (the tag names no release)` for a tag that follows whatever is current.
 * Undefined for supported releases and for images that are not Debian or Ubuntu.
 */
export function noEstimateReason(ref: string): string | undefined {
  if (releaseOfImage(ref)) return undefined;
  const parsed = splitImage(ref.trim());
  if (!parsed || (parsed.repo !== 'debian' && parsed.repo !== 'ubuntu')) return undefined;
  const first = (parsed.tag.split('-')[0] ?? '').replace(/^(\d+)\.\d+$/, parsed.repo === 'debian' ? '$1' : '$&');
  const old = UNSUPPORTED[parsed.repo]?.[first];
  return old ? `${parsed.repo}:${old} (not supported)` : `${parsed.repo}:${parsed.tag} (the tag names no release)`;
}
