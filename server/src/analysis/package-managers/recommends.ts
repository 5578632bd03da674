/**
 * Which recommended packages `--no-install-recommends` must keep, given what the stage does.
 *
 * Two reviewed tables (Debian bookworm, checked with `apt-cache show` and `apt-get install -s` with
 * and without recommends): what installing a package adds through Recommends (also of its
 * dependencies), and when each of those recommended packages is still needed. A real package index
 * can replace the first table by passing a `RecommendsSource`; the second one still judges.
 */

/** What a stage (and the stages built FROM it, and its run-time commands) does. See stage-usage.ts. */
export interface StageUsage {
  /** Something talks TLS: curl, wget, git, pip, npm, gem, go get, an `https://` URL, apt sources over https. */
  tls: boolean;
  /** git or scp over ssh (`git@host:`, `ssh://`), `ssh`, or a `--mount=type=ssh`. */
  ssh: boolean;
  /** `pip install` / `pip wheel` of anything. */
  pipInstall: boolean;
  /** `pip install` / `pip wheel` of something that may build native code (an sdist, `--no-binary`, a requirements file). */
  pipBuild: boolean;
  /** `npm install` / `npm ci` / `yarn` / `pnpm install` (node-gyp builds native modules with make and g++). */
  npmInstall: boolean;
  /** `composer …` (fetches packages with git or unzip). */
  composer: boolean;
  /** `go build` / `go install` / `go get` / `go test` without `CGO_ENABLED=0`. */
  cgo: boolean;
  /** A C/C++ build: gcc, cc, g++, make, cmake, ./configure, ninja, meson, `setup.py build`, cargo. */
  compile: boolean;
  /** Program basenames the stage runs (RUN, CMD, ENTRYPOINT, HEALTHCHECK). */
  commands: { has(name: string): boolean };
}

export interface RecommendsVerdict {
  /** Recommended packages to install explicitly next to `--no-install-recommends`. */
  keep: string[];
  /** Set when the table cannot judge: the reason, short enough for a fix title. */
  unsure?: string;
  /** What a reader should know about what is not kept (e.g. no compiler for pip), short enough for a fix title. */
  note?: string;
}

/** Recommended packages (direct and through dependencies) that installing `pkg` adds; undefined: unknown. */
export type RecommendsSource = (pkg: string) => readonly string[] | undefined;

/** Runtimes with an HTTP client (urllib, fetch, Net::HTTP, …) and browsers: the image may talk TLS when it runs. */
const HTTP_RUNTIMES =
  /^(python[0-9.]*(-minimal)?|python3-(pip|requests|urllib3)|pypy3?|nodejs|npm|ruby[0-9.]*|ruby-full|php[0-9.]*(-cli|-curl|-fpm)?|perl|libwww-perl|openjdk-[0-9]+-j(re|dk)(-headless)?|default-j(re|dk)(-headless)?|golang(-[0-9.]+)?(-go)?|chromium|firefox-esr|wkhtmltopdf)$/;
const HTTP_PROGRAMS = ['python', 'python3', 'node', 'ruby', 'php', 'java', 'perl', 'chromium', 'wkhtmltopdf', 'wkhtmltoimage'];
const TLS_CLIENTS = new Set(['curl', 'wget', 'git', 'libcurl4', 'libcurl3-gnutls', 'libcurl4-openssl-dev', 'libcurl4-gnutls-dev']);
const CC = ['build-essential', 'gcc', 'g++', 'make', 'libc6-dev', 'dpkg-dev'];

/**
 * Debian bookworm: what each reviewed package brings in through Recommends (also of its dependencies), checked
 * against the index's closure (docs/package-knowledge.md). An empty list: nothing a stage could need.
 */
const RECOMMENDS: Record<string, readonly string[]> = {
  curl: ['ca-certificates', 'publicsuffix', 'libldap-common', 'libsasl2-modules', 'krb5-locales'],
  libcurl4: ['ca-certificates'],
  'libcurl3-gnutls': ['ca-certificates'],
  'libcurl4-openssl-dev': ['ca-certificates'],
  'libcurl4-gnutls-dev': ['ca-certificates'],
  wget: ['ca-certificates', 'publicsuffix'],
  git: ['ca-certificates', 'less', 'patch', 'openssh-client', 'xauth'],
  gnupg: [],
  gnupg2: [],
  dirmngr: ['gnupg'],
  gpg: ['gnupg'],
  'gnupg-agent': ['gnupg'],
  'software-properties-common': ['gnupg'],
  // python3 → python3.11 Recommends ca-certificates (pip fails with CERTIFICATE_VERIFY_FAILED without it).
  python3: ['ca-certificates'],
  'python3.11': ['ca-certificates'],
  'python3-dev': ['ca-certificates'],
  'python3-setuptools': ['ca-certificates'],
  'python3-wheel': ['ca-certificates'],
  nodejs: ['ca-certificates'],
  clang: ['ca-certificates'],
  'build-essential': ['fakeroot', 'gnupg'],
  'python3-pip': [...CC, 'python3-dev', 'fakeroot', 'gnupg', 'patch'],
  'python-pip': [...CC, 'python-dev'],
  npm: [...CC, 'git', 'fakeroot', 'gnupg', 'less', 'openssh-client', 'patch', 'psmisc', 'xauth'],
  composer: ['git', 'unzip', 'less', 'openssh-client', 'patch', 'xauth'],
  'golang-go': ['gcc', 'g++', 'libc6-dev', 'pkg-config'],
  'golang-1.19-go': ['gcc', 'g++', 'libc6-dev', 'pkg-config'],
  golang: ['gcc', 'g++', 'libc6-dev', 'pkg-config'],
  gcc: ['libc6-dev'],
  'gcc-12': ['libc6-dev'],
  'g++': [],
  'g++-12': [],
  cmake: ['gcc', 'make', 'libc6-dev', 'ca-certificates', 'psmisc'],
  flex: ['gcc', 'libfl-dev', 'libc6-dev'],
  autoconf: ['automake'],
  libtool: ['libltdl-dev', 'automake'],
  'dpkg-dev': ['build-essential', 'gcc', 'fakeroot', 'gnupg', 'libalgorithm-merge-perl'],
  xvfb: ['xauth'],
  'openssh-client': ['xauth'],
  procps: ['psmisc'],
  graphviz: ['fonts-liberation2'],
  zip: ['unzip'],
  gettext: ['curl', 'ca-certificates'],
  'openjdk-17-jdk': ['libxt-dev', 'psmisc'],
  'openjdk-17-jre': ['fonts-dejavu-extra', 'psmisc'],
  'ruby3.1': ['fonts-lato', 'libjs-jquery', 'unzip'],
  ruby: ['fonts-lato', 'libjs-jquery', 'unzip'],
  'ruby-full': ['fonts-lato', 'libjs-jquery', 'unzip'],
  'ruby-dev': ['unzip'],
  'mariadb-client': ['libdbi-perl', 'libterm-readkey-perl'],
  apache2: ['ssl-cert', 'ca-certificates', 'psmisc'],
  cron: ['ca-certificates', 'psmisc'],
  'openssh-server': ['xauth', 'psmisc'],
};
const NOTHING =
  'ca-certificates make build-essential python3 python3-dev python3-venv python3-setuptools python3-wheel python-dev unzip bzip2 xz-utils file vim vim-tiny nano jq less locales tzdata sudo rsync tree htop netcat-openbsd net-tools iputils-ping postgresql-client gawk automake pkg-config bison patch binutils apt-transport-https apt-utils software-properties-common openssl tar coreutils bash man-db nodejs openjdk-17-jre-headless openjdk-17-jdk-headless ruby-dev subversion libssl-dev zlib1g-dev libffi-dev libpq-dev libxml2-dev ninja-build clang gettext-base lsb-release tini gosu dumb-init fontconfig gpg xauth libc6-dev psmisc openssh-server ssh-client aptitude gnupg-agent'.split(
    ' ',
  );
for (const p of NOTHING) RECOMMENDS[p] ??= [];

type Need = (u: StageUsage, installed: readonly string[]) => boolean;
const runs =
  (...cmds: string[]): Need =>
  (u) =>
    cmds.some((c) => u.commands.has(c));
const builds: Need = (u) => u.compile || u.pipBuild || u.npmInstall;

/** When a recommended package is still needed. Recommended packages not listed here (docs, fonts for GUIs, locales) are not. */
const NEEDED_WHEN: Record<string, Need> = {
  // curl, wget and git exist to fetch things, and a language runtime or browser in the image may fetch https at
  // run time: use that is invisible here, so keep the CA bundle whenever the flag would drop it.
  'ca-certificates': (u, installed) => u.tls || installed.some((p) => TLS_CLIENTS.has(p) || HTTP_RUNTIMES.test(p)) || runs(...HTTP_PROGRAMS)(u, installed),
  xauth: (u, installed) => installed.includes('xvfb') || runs('xvfb-run', 'xauth')(u, installed),
  'build-essential': builds,
  gcc: (u, i) => builds(u, i) || u.cgo,
  'g++': (u, i) => builds(u, i) || u.cgo,
  make: builds,
  'dpkg-dev': builds,
  'libc6-dev': (u, installed) => builds(u, installed) || u.cgo || installed.some((p) => /^(gcc|g\+\+|clang|cmake|flex)(-[0-9.]+)?$/.test(p)),
  'python3-dev': (u) => u.pipBuild,
  'python-dev': (u) => u.pipBuild,
  'pkg-config': (u) => u.cgo || u.compile,
  'libfl-dev': (u) => u.compile,
  'libltdl-dev': (u) => u.compile,
  fakeroot: runs('fakeroot', 'dpkg-buildpackage', 'debuild'),
  git: (u, i) => u.npmInstall || u.composer || runs('git')(u, i),
  unzip: (u, i) => u.composer || runs('unzip')(u, i),
  'openssh-client': (u) => u.ssh,
  automake: runs('automake', 'autoreconf', 'aclocal'),
  gnupg: runs('gpg', 'gpg2', 'apt-key', 'gpgv'),
  psmisc: runs('killall', 'pstree', 'fuser', 'peekfd', 'prtstat'),
  less: runs('less'),
  patch: runs('patch'),
  curl: runs('curl'),
  // graphviz renders text with these fonts; without any font `dot -Tpng` output has no labels.
  'fonts-liberation2': () => true,
};

/**
 * The recommended packages to keep when `installed` is installed with `--no-install-recommends`
 * in a stage that does `usage`. `unsure` when a package's recommends are not known.
 */
export function recommendsToKeep(installed: readonly string[], usage: StageUsage, source?: RecommendsSource): RecommendsVerdict {
  const keep = new Set<string>();
  const unknown: string[] = [];
  let dropsCompilers = false;
  for (const pkg of installed) {
    const recs = source?.(pkg) ?? RECOMMENDS[pkg];
    if (!recs) {
      unknown.push(pkg);
      continue;
    }
    for (const r of recs) if (NEEDED_WHEN[r]?.(usage, installed)) keep.add(r);
    if (recs.includes('build-essential') || recs.includes('python3-dev')) dropsCompilers = true;
  }
  // build-essential depends on the compilers: naming them too would only be noise.
  if (keep.has('build-essential') || installed.includes('build-essential')) for (const p of ['gcc', 'g++', 'make', 'dpkg-dev', 'libc6-dev']) keep.delete(p);
  for (const p of installed) keep.delete(p);
  const out: RecommendsVerdict = { keep: [...keep].sort() };
  if (usage.pipInstall && !usage.pipBuild && dropsCompilers && !keep.has('build-essential') && !keep.has('python3-dev')) {
    out.note = 'no compiler kept: pip installs wheels here';
  }
  if (unknown.length > 0) {
    out.unsure = `recommends of ${unknown.slice(0, 2).join(', ')}${unknown.length > 2 ? ` +${unknown.length - 2}` : ''} not reviewed`;
  }
  return out;
}

/** Is `pkg` a TLS client or a language runtime with an HTTP client (what makes ca-certificates needed)? */
export function talksTls(pkg: string): boolean {
  return TLS_CLIENTS.has(pkg) || HTTP_RUNTIMES.test(pkg);
}

/** Does a stage that does `usage` still need `pkg` when it comes only as a recommended package (DS004 keeps it)? */
export function recommendNeeded(pkg: string, usage: StageUsage, installed: readonly string[]): boolean {
  return NEEDED_WHEN[pkg]?.(usage, installed) ?? false;
}

/** Is the package's Recommends list reviewed in the table? */
export function recommendsKnown(pkg: string): boolean {
  return RECOMMENDS[pkg] !== undefined;
}

/** Every package whose Recommends the table reviews (for the check against a real index). */
export function reviewedPackages(): string[] {
  return Object.keys(RECOMMENDS);
}

/** What the reviewed table says installing `pkg` adds through Recommends (undefined: not reviewed). */
export function reviewedRecommends(pkg: string): readonly string[] | undefined {
  return RECOMMENDS[pkg];
}
