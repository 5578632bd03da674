/**
 * The BuildKit alternative to deleting a package cache: `RUN --mount=type=cache,target=…` keeps
 * the cache out of the layer and reuses it in the next build. Offered next to the cleanup fix of
 * DS003/DS005/DS006/DS008 (one call per rule), never applied by fix-all: the legacy builder
 * rejects `--mount` ("the --mount option requires BuildKit"). Checked with the dockerd here
 * (docker.io 20.10, DOCKER_BUILDKIT=1): BuildKit's built-in Dockerfile frontend accepts cache
 * mounts without a `# syntax=` line, so no frontend image has to be pulled.
 */
import type { Call } from '../../kernel/commands.js';
import type { Instr, Model } from '../../kernel/model.js';
import type { Fix } from '../../kernel/types.js';

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
  cargo: [
    { dir: '/usr/local/cargo/registry', env: 'CARGO_HOME' },
    { dir: '/usr/local/cargo/git', env: 'CARGO_HOME' },
  ],
};

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
export function cacheTargets(instr: Instr, kind: CacheKind): { dir: string; locked?: boolean }[] | null {
  const out: { dir: string; locked?: boolean }[] = [];
  for (const t of TARGETS[kind]) {
    let dir = t.dir;
    const v = t.env ? instr.env.get(t.env) : undefined;
    if (v !== undefined) {
      if (!v.startsWith('/') || v.includes('$')) return null;
      dir = kind === 'cargo' ? `${v.replace(/\/+$/, '')}/${t.dir.replace(/^.*\//, '')}` : v;
    } else if (kind === 'go' && t.env === 'GOMODCACHE') {
      const gopath = instr.env.get('GOPATH');
      if (gopath !== undefined && (!gopath.startsWith('/') || gopath.includes('$') || gopath.includes(':'))) return null;
      dir = `${gopath ?? '/go'}/pkg/mod`;
    }
    if (dir.startsWith('/root/') && userAt(instr)) return null; // another user's home: we do not know it
    out.push({ dir, locked: t.locked });
  }
  return out;
}

/**
 * The alternative fix for a RUN that leaves a package cache in its layer. `call` is the install
 * command (a `--cache…` option on it moves the cache somewhere we do not mount).
 */
export function cacheMountFix(model: Model, instr: Instr, kind: CacheKind, call?: Call): Fix[] | undefined {
  const run = instr.run;
  if (!run || run.script.unterminated) return undefined;
  if (call?.args.some((w) => /^--cache(-dir|-folder)?(=|$)/.test(w.value))) return undefined;
  const targets = cacheTargets(instr, kind);
  if (!targets) return undefined;
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
