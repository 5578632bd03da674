/**
 * The packages an official base image already holds, computed from the release's index:
 * debootstrap's minbase variant (what the official debian and ubuntu images start from) is
 * every Essential and Priority: required package plus apt, closed over Depends. Image
 * families that install more on top (python slim, buildpack-deps) add their packages the way
 * their Dockerfiles do (`--no-install-recommends`). README "Package knowledge" documents how
 * close this comes to the real local/debian:bookworm image.
 */
import { resolveInstall } from './resolve.js';
import type { PackageIndex } from './types.js';

/** What an image family installs on top of minbase (from the official images' Dockerfiles). */
export const FLAVOUR_PACKAGES: Record<string, readonly string[]> = {
  minbase: [],
  // python:*-slim-*: runtime deps of the interpreter, kept after the build purge.
  'python-slim': [
    'ca-certificates',
    'netbase',
    'tzdata',
    'libbz2-1.0',
    'libffi8',
    'liblzma5',
    'libncursesw6',
    'libreadline8',
    'libsqlite3-0',
    'libssl3',
    'libuuid1',
    'zlib1g',
  ],
  // buildpack-deps:<rel>-curl
  'buildpack-curl': ['ca-certificates', 'curl', 'gnupg', 'netbase', 'wget'],
  // buildpack-deps:<rel>-scm
  'buildpack-scm': ['ca-certificates', 'curl', 'gnupg', 'netbase', 'wget', 'git', 'mercurial', 'openssh-client', 'subversion', 'procps'],
  // buildpack-deps:<rel> (python:<v>-<rel>, node:<v>-<rel> and others build on it)
  buildpack: [
    ...['ca-certificates', 'curl', 'gnupg', 'netbase', 'wget', 'git', 'mercurial', 'openssh-client', 'subversion', 'procps'],
    ...['autoconf', 'automake', 'bzip2', 'default-libmysqlclient-dev', 'dpkg-dev', 'file', 'g++', 'gcc', 'imagemagick', 'libbz2-dev'],
    ...['libc6-dev', 'libcurl4-openssl-dev', 'libdb-dev', 'libevent-dev', 'libffi-dev', 'libgdbm-dev', 'libglib2.0-dev', 'libgmp-dev'],
    ...['libjpeg-dev', 'libkrb5-dev', 'liblzma-dev', 'libmagickcore-dev', 'libmagickwand-dev', 'libmaxminddb-dev', 'libncurses5-dev'],
    ...['libncursesw5-dev', 'libpng-dev', 'libpq-dev', 'libreadline-dev', 'libsqlite3-dev', 'libssl-dev', 'libtool', 'libwebp-dev'],
    ...['libxml2-dev', 'libxslt-dev', 'libyaml-dev', 'make', 'patch', 'unzip', 'xz-utils', 'zlib1g-dev'],
  ],
};

const cache = new WeakMap<PackageIndex, Map<string, ReadonlySet<string>>>();

export function minbase(index: PackageIndex): Set<string> {
  const seeds = index.minimalSet();
  // debootstrap merges /usr and marks it with usr-is-merged (the alternative to usrmerge) from bookworm/jammy on.
  for (const n of ['usr-is-merged', 'apt']) if (index.get(n)) seeds.push(n);
  return resolveInstall(index, { packages: seeds, recommends: false }, new Set()).installed;
}

/** The installed set of a base image of `flavour` (cached per index). */
export function baseSet(index: PackageIndex, flavour: string): ReadonlySet<string> {
  let byFlavour = cache.get(index);
  if (!byFlavour) cache.set(index, (byFlavour = new Map()));
  let set = byFlavour.get(flavour);
  if (!set) {
    const min = byFlavour.get('minbase') ?? minbase(index);
    byFlavour.set('minbase', min);
    const extra = (FLAVOUR_PACKAGES[flavour] ?? []).filter((n) => index.get(n) || index.providers(n).length > 0);
    set = extra.length ? resolveInstall(index, { packages: extra, recommends: false }, min).installed : min;
    byFlavour.set(flavour, set);
  }
  return set;
}
