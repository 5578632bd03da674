/**
 * The BuildKit alternative to deleting a package cache: `RUN --mount=type=cache,target=…` keeps
 * the cache out of the layer and reuses it in the next build. Offered next to the cleanup fix of
 * DS003/DS005/DS006/DS008 (one call per rule), never applied by fix-all: the legacy builder
 * rejects `--mount` ("the --mount option requires BuildKit"). Checked with the dockerd here
 * (docker.io 20.10, DOCKER_BUILDKIT=1): BuildKit's built-in Dockerfile frontend accepts cache
 * mounts without a `# syntax=` line, so no frontend image has to be pulled.
 * Go (DS016): GOCACHE, and GOMODCACHE only when no other RUN of the stage runs `go` (a mount
 * hides what an earlier `go mod download` put there, and a later build would not find the
 * modules). Cargo (DS016): `$CARGO_HOME/registry` and `/git`, only when no other RUN runs cargo
 * (an earlier `cargo fetch` would be hidden, a later `--offline` build would miss the crates);
 * `target/` is never mounted: the program is built there.
 */
import type { Call } from '../../kernel/commands.js';
import type { Instr, Model } from '../../kernel/model.js';
import { appendCommand } from '../../kernel/edits.js';
import type { Edit, Fix } from '../../kernel/types.js';
import { parseImage } from '../images/base-images.js';

export type CacheKind = 'apt' | 'apk' | 'pip' | 'npm' | 'yarn' | 'go' | 'cargo' | 'dnf' | 'dnf5' | 'yum' | 'zypper' | 'composer';

interface Target {
  dir: string;
  /** The cache's own id, so two managers (or apt's two directories) never share one cache. */
  id: string;
  env?: string;
  /** The manager takes a lock there: concurrent builds must not share the cache unlocked. */
  locked?: boolean;
}

/**
 * Default cache directories (as root), and the variable that moves each: the directories each manager's own
 * documentation names (apt(8) Dir::Cache and Dir::State::Lists, dnf.conf cachedir, zypper's /var/cache/zypp,
 * composer's COMPOSER_CACHE_DIR default `$COMPOSER_HOME/cache`). test/unit/cache-mounts-managers.test.ts
 * holds the reviewed table.
 */
const TARGETS: Record<CacheKind, Target[]> = {
  apt: [
    { dir: '/var/cache/apt', id: 'apt-cache', locked: true },
    { dir: '/var/lib/apt/lists', id: 'apt-lists', locked: true },
  ],
  apk: [{ dir: '/var/cache/apk', id: 'apk' }],
  pip: [{ dir: '/root/.cache/pip', id: 'pip', env: 'PIP_CACHE_DIR' }],
  npm: [{ dir: '/root/.npm', id: 'npm', env: 'npm_config_cache' }],
  yarn: [{ dir: '/usr/local/share/.cache/yarn', id: 'yarn', env: 'YARN_CACHE_FOLDER' }],
  // dnf 4 and yum (dnf on RHEL 8+) lock their cache; dnf 5 keeps it in /var/cache/libdnf5.
  dnf: [{ dir: '/var/cache/dnf', id: 'dnf', locked: true }],
  dnf5: [{ dir: '/var/cache/libdnf5', id: 'dnf5', locked: true }],
  // `yum` is dnf on RHEL 8+ and microdnf may be libdnf or libdnf5: mount every place their cache may be.
  yum: [
    { dir: '/var/cache/yum', id: 'yum', locked: true },
    { dir: '/var/cache/dnf', id: 'dnf', locked: true },
    { dir: '/var/cache/libdnf5', id: 'dnf5', locked: true },
  ],
  zypper: [{ dir: '/var/cache/zypp', id: 'zypper', locked: true }],
  composer: [{ dir: '/root/.composer/cache', id: 'composer', env: 'COMPOSER_CACHE_DIR' }],
  go: [
    { dir: '/root/.cache/go-build', id: 'go-build', env: 'GOCACHE' },
    { dir: '/go/pkg/mod', id: 'go-mod', env: 'GOMODCACHE' },
  ],
  // cargo's default home is ~/.cargo; the official rust images set CARGO_HOME=/usr/local/cargo (cargoHomeDefault).
  cargo: [
    { dir: '/root/.cargo/registry', id: 'cargo-registry', env: 'CARGO_HOME' },
    { dir: '/root/.cargo/git', id: 'cargo-git', env: 'CARGO_HOME' },
  ],
};

/** Variables that move a kind's caches: set on the command itself, we do not follow them. */
const MOVERS: Partial<Record<CacheKind, RegExp>> = {
  go: /^(GOCACHE|GOMODCACHE|GOPATH|XDG_CACHE_HOME|HOME)=/,
  cargo: /^(CARGO_HOME|HOME)=/,
  composer: /^(COMPOSER_HOME|COMPOSER_CACHE_DIR|HOME)=/,
};

/** The official image the stage's chain starts from ('rust', 'composer', …), or null. */
function officialRoot(instr: Instr): string | null {
  let s = instr.stage;
  for (let guard = 0; s?.parent && guard < 64; guard++) s = s.parent;
  if (!s) return null;
  const ref = parseImage(s.imageExpanded);
  return ref.official ? ref.name : null;
}

/** CARGO_HOME the base image sets: /usr/local/cargo for the official rust images, else none (~/.cargo). */
export function cargoHomeDefault(instr: Instr): string | null {
  return officialRoot(instr) === 'rust' ? '/usr/local/cargo' : null;
}

/** USER in effect at the instruction (null: root or not set). */
function userAt(instr: Instr): string | null {
  let user: string | null = null;
  for (const i of instr.stage?.instrs ?? []) {
    if (i.start >= instr.start) break;
    if (i.keyword === 'USER' && !i.onbuild) user = i.args.trim();
  }
  return user && !/^(root|0)(:(root|0))?$/.test(user) ? user : null;
}

/** The mount targets for a cache kind at this RUN; null when they cannot be told. */
export function cacheTargets(instr: Instr, kind: CacheKind): Target[] | null {
  const out: Target[] = [];
  // A cache mount is root's (uid 0, mode 0755) unless told otherwise: go and cargo as another user could not write to it.
  if ((kind === 'go' || kind === 'cargo') && userAt(instr)) return null;
  for (const t of TARGETS[kind]) {
    let dir = t.dir;
    const v = t.env ? (instr.env.get(t.env) ?? (kind === 'cargo' ? (cargoHomeDefault(instr) ?? undefined) : undefined)) : undefined;
    if (v !== undefined) {
      if (!v.startsWith('/') || v.includes('$')) return null;
      dir = kind === 'cargo' ? `${v.replace(/\/+$/, '')}/${t.dir.replace(/^.*\//, '')}` : v;
    } else if (kind === 'go' && t.env === 'GOMODCACHE') {
      const gopath = instr.env.get('GOPATH');
      if (gopath !== undefined && (!gopath.startsWith('/') || gopath.includes('$') || gopath.includes(':'))) return null;
      dir = `${gopath ?? '/go'}/pkg/mod`;
    } else if (kind === 'composer' && (instr.env.has('COMPOSER_HOME') || officialRoot(instr) === 'composer')) {
      // The official composer image sets COMPOSER_HOME=/tmp.
      const home = instr.env.get('COMPOSER_HOME') ?? '/tmp';
      if (!home.startsWith('/') || home.includes('$')) return null;
      dir = `${home.replace(/\/+$/, '')}/cache`;
    } else if (kind === 'go' && t.env === 'GOCACHE') {
      const xdg = instr.env.get('XDG_CACHE_HOME');
      if (xdg !== undefined && (!xdg.startsWith('/') || xdg.includes('$'))) return null;
      if (xdg !== undefined) dir = `${xdg.replace(/\/+$/, '')}/go-build`;
    }
    if (dir.startsWith('/root/') && userAt(instr)) return null; // another user's home: we do not know it
    out.push({ ...t, dir });
  }
  return out;
}

/**
 * The alternative fix for a RUN that leaves a package cache in its layer. `call` is the install
 * command (a `--cache…` option on it moves the cache somewhere we do not mount). `skip` names
 * the variables of targets not to mount here (`GOMODCACHE` when another RUN uses the modules).
 */
export function cacheMountFix(model: Model, instr: Instr, kind: CacheKind, call?: Call, skip: readonly string[] = []): Fix[] | undefined {
  const run = instr.run;
  if (!run || run.script.unterminated) return undefined;
  if (call?.args.some((w) => /^--(cache(-dir|-folder)?|cachedir|installroot|root)(=|$)|^--setopt=cachedir=/.test(w.value))) return undefined;
  const movers = MOVERS[kind];
  if (movers && call?.cmd.assigns.some((w) => movers.test(w.value))) return undefined;
  const targets = cacheTargets(instr, kind)?.filter((t) => !t.env || !skip.includes(t.env));
  if (!targets?.length) return undefined;
  const missing = targets.filter((t) => !run.mounts.some((m) => m.target.replace(/\/+$/, '') === t.dir));
  if (missing.length === 0) return undefined;
  const flags = missing.map((t) => `--mount=type=cache,id=${t.id},target=${t.dir}${t.locked ? ',sharing=locked' : ''}`).join(' ');
  const at = instr.argsStart + (/^[ \t]*/.exec(model.text.slice(instr.argsStart))?.[0].length ?? 0);
  if (at >= instr.end) return undefined;
  const edits = [{ start: at, end: at, text: `${flags} ` }];
  let title = `Use a cache mount for ${listed(missing.map((t) => t.dir))}`;
  if (kind === 'apt' && missing.some((t) => t.dir === '/var/cache/apt')) {
    // Debian's and Ubuntu's images delete every downloaded .deb after each install (docker-clean), which
    // would leave the /var/cache/apt mount empty. Set the file aside for this RUN only and put it back
    // at its end, so later RUNs without a mount still clean up after themselves.
    const aside = asideDockerClean(model, instr);
    if (!aside) return undefined;
    const [front, back] = aside;
    // One edit where the flags and the script start at the same offset (no earlier flags).
    if (front.start === at) edits[0] = { start: at, end: at, text: `${flags} ${front.text}` };
    else edits.push(front);
    edits.push(back);
    title = 'Use cache mounts for apt, docker-clean set aside';
  }
  return [
    {
      title,
      safe: false,
      buildkitOnly: true,
      edits,
    },
  ];
}

const DOCKER_CLEAN = '/etc/apt/apt.conf.d/docker-clean';
const ASIDE = '/etc/apt/docker-clean.dockerfile-slim';

/** `mv docker-clean aside; …script… && put it back`, for shell-form RUNs only. */
function asideDockerClean(model: Model, instr: Instr): [Edit, Edit] | null {
  const run = instr.run;
  if (!run || run.form !== 'shell' || run.script.unterminated || run.bodyStart >= instr.end) return null;
  const back = appendCommand(model, instr, `{ mv ${ASIDE} ${DOCKER_CLEAN} 2>/dev/null || true; }`);
  if (!back) return null;
  return [{ start: run.bodyStart, end: run.bodyStart, text: `mv ${DOCKER_CLEAN} ${ASIDE} 2>/dev/null; ` }, back];
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
