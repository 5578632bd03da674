/**
 * What a Node lockfile says `npm ci` / `yarn install` will put in node_modules: each package with its name, version and
 * whether it is a dev dependency. package-lock.json v2/v3 (the `packages` map) and yarn.lock v1 (dev is what
 * package.json's dependencies do not reach). Platform-bound optional packages (`os`/`cpu` not linux x64) are left out,
 * as npm leaves them out on a linux/amd64 build. Bounded: at most MAX_ENTRIES packages, lockfiles up to MAX_LOCK_BYTES.
 */

export interface LockEntry {
  name: string;
  version: string;
  /** Only a devDependency (or below one) needs it: `--omit=dev` leaves it out. */
  dev: boolean;
  /** From the registry (sizes known there); false for `file:`/git/link entries. */
  registry: boolean;
}

export interface Lockfile {
  kind: 'npm' | 'yarn';
  /** package-lock's lockfileVersion (yarn: 1). */
  version: number;
  entries: LockEntry[];
  /** False when entries were cut at MAX_ENTRIES. */
  complete: boolean;
}

export const MAX_ENTRIES = 20_000;
export const MAX_LOCK_BYTES = 32 * 1024 * 1024;

function fitsPlatform(list: unknown, want: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const names = list.filter((x): x is string => typeof x === 'string');
  if (names.some((n) => n === `!${want}`)) return false;
  const positive = names.filter((n) => !n.startsWith('!'));
  return positive.length === 0 || positive.includes(want);
}

const isRegistry = (resolved: unknown): boolean => typeof resolved !== 'string' || /^https?:\/\//.test(resolved);

/** package-lock.json v2/v3; throws on JSON errors or a v1 lockfile (no `packages` map). */
export function parsePackageLock(text: string): Lockfile {
  const lock = JSON.parse(text) as { lockfileVersion?: unknown; packages?: Record<string, Record<string, unknown>> };
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  if (!lock.packages || typeof lock.packages !== 'object') throw new Error(`lockfileVersion ${version} has no "packages" map (v2 or v3 needed)`);
  const entries: LockEntry[] = [];
  let complete = true;
  for (const [key, p] of Object.entries(lock.packages)) {
    if (!key || !p || typeof p !== 'object') continue; // "" is the project itself
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || p.link === true || p.inBundle === true) continue; // workspaces, bundled (inside their parent's tarball)
    if (p.optional === true && !(fitsPlatform(p.os, 'linux') && fitsPlatform(p.cpu, 'x64'))) continue;
    if (Array.isArray(p.libc) && p.libc.length && !p.libc.includes('glibc')) continue;
    const name = typeof p.name === 'string' ? p.name : key.slice(at + 'node_modules/'.length);
    if (typeof p.version !== 'string') continue;
    if (entries.length >= MAX_ENTRIES) {
      complete = false;
      break;
    }
    entries.push({ name, version: p.version, dev: p.dev === true, registry: isRegistry(p.resolved) });
  }
  return { kind: 'npm', version, entries, complete };
}

interface YarnBlock {
  name: string;
  version: string;
  resolved?: string;
  deps: string[];
}

/** `"@scope/a@^1", a@~2` → the name of each spec and the spec itself. */
function yarnSpecs(header: string): Array<{ name: string; spec: string }> {
  return header
    .replace(/:$/, '')
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter(Boolean)
    .map((spec) => ({ name: spec.slice(0, spec.lastIndexOf('@') > 0 ? spec.lastIndexOf('@') : spec.length), spec }));
}

/** yarn.lock v1: dev is what package.json's dependencies and optionalDependencies do not reach. */
export function parseYarnLock(text: string, manifest: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): Lockfile {
  if (/^__metadata:/m.test(text)) throw new Error('a Yarn 2+ lockfile (only yarn.lock v1 is read)');
  const bySpec = new Map<string, YarnBlock>();
  const blocks: YarnBlock[] = [];
  let cur: YarnBlock | undefined;
  let inDeps = false;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      const specs = yarnSpecs(line);
      const first = specs[0];
      if (!first) continue;
      cur = { name: first.name, version: '', deps: [] };
      blocks.push(cur);
      for (const s of specs) bySpec.set(s.spec, cur);
      inDeps = false;
      continue;
    }
    if (!cur) continue;
    const m = /^( +)("?[^\s"]+"?)\s+"?([^"]*)"?\s*$/.exec(line);
    const depth = /^ */.exec(line)?.[0].length ?? 0;
    if (depth === 2) {
      inDeps = /^\s+(dependencies|optionalDependencies):\s*$/.test(line);
      if (m?.[2] === 'version') cur.version = m[3] ?? '';
      if (m?.[2] === 'resolved') cur.resolved = m[3];
    } else if (inDeps && m) {
      cur.deps.push(`${(m[2] ?? '').replace(/^"|"$/g, '')}@${m[3] ?? ''}`);
    }
  }
  const prod = new Set<YarnBlock>();
  const todo = Object.entries({ ...(manifest.dependencies ?? {}), ...(manifest.optionalDependencies ?? {}) }).map(([n, r]) => `${n}@${r}`);
  for (let spec = todo.pop(); spec !== undefined; spec = todo.pop()) {
    const b = bySpec.get(spec);
    if (!b || prod.has(b)) continue;
    prod.add(b);
    todo.push(...b.deps);
  }
  const seen = new Set<YarnBlock>();
  const entries: LockEntry[] = [];
  for (const b of blocks) {
    if (seen.has(b) || !b.version) continue;
    seen.add(b);
    if (entries.length >= MAX_ENTRIES) return { kind: 'yarn', version: 1, entries, complete: false };
    entries.push({ name: b.name, version: b.version, dev: !prod.has(b), registry: isRegistry(b.resolved) && !/^(file|link|workspace):/.test(b.version) });
  }
  return { kind: 'yarn', version: 1, entries, complete: true };
}
