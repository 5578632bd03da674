/**
 * The run-time half of a `-dev` package: the libraries a program built against it loads (libssl-dev → libssl3).
 * From the cached package index when there is one (the non-`-dev` packages its Depends reach through other `-dev`
 * packages), else from a table: reviewed for Debian bookworm (made with `apt-cache depends` on bookworm, December
 * 2026), generated from the archives' signed Packages indexes with this file's own walk for bullseye, trixie,
 * Ubuntu jammy and noble (runtime-libs-tables.ts, by scripts/runtime-libs-tables.mjs). Undefined when neither can
 * tell: the caller's fix is then unsafe.
 */
import type { PackageIndex, ReleaseId } from '../../../../common/src/package-index/types.js';
import { GENERATED_TABLES } from './runtime-libs-tables.js';

const DEV = /-(dev|devel|dev-compat|multidev)$/;
/**
 * Tools and data a `-dev` package pulls in, not what a program loads (pkg-config, install-info, icu-devtools, …);
 * dpkg comes in `dpkg (>= 1.15.4) | install-info` (libreadline-dev: a -dev package with info pages).
 */
const NOT_LIB = /^(pkg-?conf(ig)?|install-info|dpkg|base-files|gcc|cpp|make|binutils)$|-(bin|devtools|doc|tools|common)$/;
const LIB = (n: string): boolean => !DEV.test(n) && !NOT_LIB.test(n);

/** Debian bookworm, reviewed: `-dev` package → the runtime libraries it depends on (directly or through other `-dev` packages). */
export const BOOKWORM_REVIEWED: Readonly<Record<string, readonly string[]>> = {
  // The C library and kernel headers: libc6 is Essential, nothing to keep.
  'libc6-dev': [],
  'libc-dev': [],
  'linux-libc-dev': [],
  'libssl-dev': ['libssl3'],
  'zlib1g-dev': ['zlib1g'],
  'libcurl4-openssl-dev': ['libcurl4'],
  'libcurl4-gnutls-dev': ['libcurl3-gnutls'],
  'libffi-dev': ['libffi8'],
  'libxml2-dev': ['libxml2'],
  'libxslt1-dev': ['libicu72', 'libxml2', 'libxslt1.1'],
  'libjpeg-dev': ['libjpeg62-turbo'],
  'libjpeg62-turbo-dev': ['libjpeg62-turbo'],
  'libpng-dev': ['libpng16-16'],
  'libsqlite3-dev': ['libsqlite3-0'],
  'libevent-dev': ['libevent-2.1-7', 'libevent-core-2.1-7', 'libevent-extra-2.1-7', 'libevent-openssl-2.1-7', 'libevent-pthreads-2.1-7'],
  'libpq-dev': ['libpq5'],
  'libyaml-dev': ['libyaml-0-2'],
  'libbz2-dev': ['libbz2-1.0'],
  'libreadline-dev': ['libreadline8'],
  'libncurses-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
  'libncurses5-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
  'libncursesw5-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
  'libpcap-dev': ['libpcap0.8'],
  'libwrap0-dev': ['libwrap0'],
  'libpam0g-dev': ['libpam0g'],
  'libgmp-dev': ['libgmp10', 'libgmpxx4ldbl'],
  'libpcre3-dev': ['libpcre3', 'libpcre16-3', 'libpcre32-3', 'libpcrecpp0v5'],
  'libpcre2-dev': ['libpcre2-8-0', 'libpcre2-16-0', 'libpcre2-32-0', 'libpcre2-posix3'],
  'liblzma-dev': ['liblzma5'],
  'libzstd-dev': ['libzstd1'],
  'liblz4-dev': ['liblz4-1'],
  'libsodium-dev': ['libsodium23'],
  'libmariadb-dev': ['libmariadb3'],
  'libmariadb-dev-compat': ['libmariadb3'],
  'default-libmysqlclient-dev': ['libmariadb3'],
  'libgdbm-dev': ['libgdbm6'],
  'libuv1-dev': ['libuv1'],
  'libtiff-dev': ['libtiff6', 'libtiffxx6'],
  'libwebp-dev': ['libwebp7', 'libwebpdemux2', 'libwebpmux3'],
  'libopenblas-dev': ['libopenblas0'],
  'libhiredis-dev': ['libhiredis0.14'],
  'libmagic-dev': ['libmagic1'],
  'libexpat1-dev': ['libexpat1'],
  'libedit-dev': ['libedit2'],
  'libidn2-dev': ['libidn2-0'],
  'libsasl2-dev': ['libsasl2-2'],
  'libcap-dev': ['libcap2'],
  'libseccomp-dev': ['libseccomp2'],
  'libsystemd-dev': ['libsystemd0'],
  'libudev-dev': ['libudev1'],
  'libusb-1.0-0-dev': ['libusb-1.0-0'],
  'libmicrohttpd-dev': ['libmicrohttpd12'],
  'libjansson-dev': ['libjansson4'],
  'libjson-c-dev': ['libjson-c5'],
  'libconfig-dev': ['libconfig9'],
  'libmnl-dev': ['libmnl0'],
  'libmaxminddb-dev': ['libmaxminddb0'],
  'libonig-dev': ['libonig5'],
  'libzip-dev': ['libzip4'],
  'libsnappy-dev': ['libsnappy1v5'],
  'libavcodec-dev': ['libavcodec59'],
  'libavformat-dev': ['libavformat59'],
  'libavutil-dev': ['libavutil57'],
  'libswscale-dev': ['libswscale6'],
  'python3-dev': ['python3', 'python3-distutils', 'libpython3.11', 'libpython3.11-stdlib'],
};

/** The generated tables, with bookworm's reviewed entries over the generated ones (the corpus' other `-dev` packages). */
const TABLES: Readonly<Record<ReleaseId, Readonly<Record<string, readonly string[]>>>> = {
  ...GENERATED_TABLES,
  'debian/bookworm': { ...GENERATED_TABLES['debian/bookworm'], ...BOOKWORM_REVIEWED },
};

/** Runtime libraries of `dev` in `release`, or undefined when neither the index nor the table knows it. */
export function runtimeLibs(dev: string, release: ReleaseId | undefined, index: PackageIndex | undefined): readonly string[] | undefined {
  const table = release && Object.hasOwn(TABLES, release) ? TABLES[release] : undefined;
  const tabled = table && Object.hasOwn(table, dev) ? table[dev] : undefined;
  // An index that cannot tell (an alternative among libraries) leaves the answer to the table.
  if (index?.get(dev)) return runtimeLibsFromIndex(dev, index) ?? tabled;
  return tabled;
}

/**
 * Walks Depends from `dev` through `-dev` packages; single-choice clauses only (an alternative is not known to be
 * installed). The one walk: the lookup above and scripts/runtime-libs-tables.mjs, which makes the tables, both use it.
 */
export function runtimeLibsFromIndex(dev: string, index: PackageIndex): readonly string[] | undefined {
  const out = new Set<string>();
  const seen = new Set<string>([dev]);
  const todo = [dev];
  for (let guard = 0; todo.length && guard < 200; guard++) {
    const info = index.get(todo.pop() as string);
    if (!info) continue;
    for (const clause of info.depends) {
      const name = clause.length === 1 ? clause[0] : undefined;
      if (!name) {
        // `libfoo-dev | libbar-dev`: which one apt picked is unknown; a library among them makes the answer unsure.
        if (clause.some(LIB)) return undefined;
        continue;
      }
      if (DEV.test(name)) {
        if (!seen.has(name)) {
          seen.add(name);
          todo.push(name);
        }
      } else if (LIB(name) && index.get(name)) out.add(name);
    }
  }
  return [...out].sort();
}

/** A GCC compiler or the metapackage that pulls one in: its purge with --auto-remove takes gcc's runtime libraries along. */
const GCC = /^(gcc|g\+\+|gfortran|build-essential|(gcc|g\+\+|gfortran)-[0-9.]+)$/;

/**
 * gcc's own runtime libraries that a program built with it may load (`-fopenmp` → libgomp1, `__atomic` on some
 * targets → libatomic1): gcc pulls them in, so `purge --auto-remove gcc` removes them, and which ones the program links
 * is not known without ldd. They are small (under 1 MB): keep them whenever a GCC compiler is purged on Debian or
 * Ubuntu, where they are always installed with it. libstdc++6 and libgcc-s1 need no keeping (apt and libc depend on them).
 */
export function gccRuntimeLibs(purged: readonly string[], release: ReleaseId | undefined): string[] {
  if (!release || !/^(debian|ubuntu)\//.test(release)) return [];
  return purged.some((n) => GCC.test(n)) ? ['libatomic1', 'libgomp1'] : [];
}
