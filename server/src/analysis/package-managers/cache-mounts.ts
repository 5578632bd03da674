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
import type { Fix } from '../../kernel/types.js';
import { parseImage } from '../images/base-images.js';

export type CacheKind = 'apt' | 'apk' | 'pip' | 'npm' | 'yarn' | 'go' | 'cargo';

/** Default cache directories (as root), and the variable that moves each. */
const TARGETS: Record<CacheKind, { dir: string; env?: string; locked?: boolean }[]> = {
  // apt takes a lock in both: concurrent builds must not share them unlocked.
  apt: [
    { dir: '/var/cache/apt', locked: true },
    { dir: '/var/lib/apt/lists', locked: true },
  ],
  apk: [{ dir: '/var/cache/apk' }],
  pip: [{ dir: '/root/.cache/pip', env: 'PIP_CACHE_DIR' }],
  npm: [{ dir: '/root/.npm', env: 'npm_config_cache' }],
  yarn: [{ dir: '/usr/local/share/.cache/yarn', env: 'YARN_CACHE_FOLDER' }],
  go: [
    { dir: '/root/.cache/go-build', env: 'GOCACHE' },
    { dir: '/go/pkg/mod', env: 'GOMODCACHE' },
  ],
  // cargo's default home is ~/.cargo; the official rust images set CARGO_HOME=/usr/local/cargo (cargoHomeDefault).
  cargo: [
    { dir: '/root/.cargo/registry', env: 'CARGO_HOME' },
    { dir: '/root/.cargo/git', env: 'CARGO_HOME' },
  ],
};

/** Variables that move a kind's caches: set on the command itself, we do not follow them. */
const MOVERS: Partial<Record<CacheKind, RegExp>> = {
  go: /^(GOCACHE|GOMODCACHE|GOPATH|XDG_CACHE_HOME|HOME)=/,
  cargo: /^(CARGO_HOME|HOME)=/,
};

/** CARGO_HOME the base image sets: /usr/local/cargo for the official rust images, else none (~/.cargo). */
export function cargoHomeDefault(instr: Instr): string | null {
  let s = instr.stage;
  for (let guard = 0; s?.parent && guard < 64; guard++) s = s.parent;
  if (!s) return null;
  const ref = parseImage(s.imageExpanded);
  return ref.official && ref.name === 'rust' ? '/usr/local/cargo' : null;
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
export function cacheTargets(instr: Instr, kind: CacheKind): { dir: string; locked?: boolean; env?: string }[] | null {
  const out: { dir: string; locked?: boolean; env?: string }[] = [];
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
    } else if (kind === 'go' && t.env === 'GOCACHE') {
      const xdg = instr.env.get('XDG_CACHE_HOME');
      if (xdg !== undefined && (!xdg.startsWith('/') || xdg.includes('$'))) return null;
      if (xdg !== undefined) dir = `${xdg.replace(/\/+$/, '')}/go-build`;
    }
    if (dir.startsWith('/root/') && userAt(instr)) return null; // another user's home: we do not know it
    out.push({ dir, locked: t.locked, env: t.env });
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
  if (call?.args.some((w) => /^--cache(-dir|-folder)?(=|$)/.test(w.value))) return undefined;
  const movers = MOVERS[kind];
  if (movers && call?.cmd.assigns.some((w) => movers.test(w.value))) return undefined;
  const targets = cacheTargets(instr, kind)?.filter((t) => !t.env || !skip.includes(t.env));
  if (!targets?.length) return undefined;
  const missing = targets.filter((t) => !run.mounts.some((m) => m.target.replace(/\/+$/, '') === t.dir));
  if (missing.length === 0) return undefined;
  const flags = missing.map((t) => `--mount=type=cache,target=${t.dir}${t.locked ? ',sharing=locked' : ''}`).join(' ');
  const at = instr.argsStart + (/^[ \t]*/.exec(model.text.slice(instr.argsStart))?.[0].length ?? 0);
  if (at >= instr.end) return undefined;
  return [
    {
      title: `Use a cache mount for ${missing.map((t) => t.dir).join(' and ')} (BuildKit only)`,
      safe: false,
      edits: [{ start: at, end: at, text: `${flags} ` }],
    },
  ];
}
