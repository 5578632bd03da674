/**
 * Node projects in the build context that the Dockerfile's COPY lines bring in: package.json (dependencies,
 * devDependencies, install-time scripts, Prisma) and the lockfile beside it (package-lock.json v2/v3, yarn.lock v1).
 * Read with bounds (manifest 1 MB, lockfile 32 MB, 8 projects), never through a symbolic link, and memoised by size
 * and mtime so a repeat lint parses nothing. Plain data: it crosses the context worker's boundary as `ContextFacts.node`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_LOCK_BYTES, parsePackageLock, parseYarnLock, type Lockfile } from '../npm-registry/lockfile.js';
import { hasVariable, normaliseSource } from './copy-sources.js';

export interface NodeProject {
  /** Context-relative folder ('' for the context root). */
  dir: string;
  dependencies: number;
  /** devDependencies' names (at most 200). */
  devDependencies: string[];
  /** Install-time scripts package.json declares (`preinstall`, `install`, `postinstall`, `prepare`) and their text. */
  installScripts: Record<string, string>;
  /** Prisma's client is generated into node_modules (`prisma` or `@prisma/client` among the dependencies). */
  prisma: boolean;
  /** The lockfile, when there is one. */
  lock?: { file: string; bytes: number; lockfile?: Lockfile; error?: string };
  /** What `--omit=dev` leaves out, when the caller knows registry sizes (`withNpmSizes`): packages, known bytes, unsized. */
  devShare?: { packages: number; bytes: number; unknown: number };
}

/** The projects with `devShare` from registry sizes (the engine is pure: callers that hold a size cache add it). */
export function withNpmSizes(projects: readonly NodeProject[], sizeOf: (name: string, version: string) => { bytes: number } | null | undefined): NodeProject[] {
  return projects.map((p) => {
    const entries = p.lock?.lockfile?.entries;
    if (!entries) return p;
    const devShare = { packages: 0, bytes: 0, unknown: 0 };
    for (const e of entries) {
      if (!e.dev) continue;
      devShare.packages++;
      const s = e.registry ? sizeOf(e.name, e.version) : undefined;
      if (s) devShare.bytes += s.bytes;
      else devShare.unknown++;
    }
    return { ...p, devShare };
  });
}

const MAX_MANIFEST = 1024 * 1024;
const MAX_PROJECTS = 8;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
const memo = new Map<string, { key: string; project: NodeProject | undefined }>();

/** A regular file inside `root` (no symbolic link), or undefined. */
function regular(root: string, rel: string): fs.Stats | undefined {
  try {
    const st = fs.lstatSync(path.join(root, rel));
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

/** Folders the COPY sources bring a package.json from: the root for `.`, else a source's folder or the folder itself. */
export function projectDirs(root: string, sources: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const raw of sources) {
    if (hasVariable(raw)) continue;
    const s = normaliseSource(raw);
    if (s === '.') dirs.add('');
    else if (/(^|\/)(package[^/]*\.json|yarn\.lock)$/.test(s)) dirs.add(path.posix.dirname(s) === '.' ? '' : path.posix.dirname(s));
    else if (!/[*?[]/.test(s) && regular(root, `${s}/package.json`)) dirs.add(s);
  }
  return [...dirs].slice(0, MAX_PROJECTS);
}

function readProject(root: string, dir: string): NodeProject | undefined {
  const manifestRel = dir ? `${dir}/package.json` : 'package.json';
  const st = regular(root, manifestRel);
  if (!st || st.size > MAX_MANIFEST) return undefined;
  const lockName = regular(root, dir ? `${dir}/package-lock.json` : 'package-lock.json')
    ? 'package-lock.json'
    : regular(root, dir ? `${dir}/yarn.lock` : 'yarn.lock')
      ? 'yarn.lock'
      : '';
  const lockRel = lockName ? (dir ? `${dir}/${lockName}` : lockName) : '';
  const lst = lockRel ? regular(root, lockRel) : undefined;
  const key = JSON.stringify([st.size, st.mtimeMs, lockRel, lst?.size, lst?.mtimeMs]);
  const memoKey = path.join(root, dir);
  const hit = memo.get(memoKey);
  if (hit?.key === key) return hit.project;
  let project: NodeProject | undefined;
  try {
    const m = JSON.parse(fs.readFileSync(path.join(root, manifestRel), 'utf8')) as Record<string, unknown>;
    const obj = (v: unknown): Record<string, string> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {});
    const deps = obj(m.dependencies);
    const dev = obj(m.devDependencies);
    const scripts = obj(m.scripts);
    const installScripts: Record<string, string> = {};
    for (const s of INSTALL_SCRIPTS) if (typeof scripts[s] === 'string') installScripts[s] = scripts[s].slice(0, 300);
    project = {
      dir,
      dependencies: Object.keys(deps).length,
      devDependencies: Object.keys(dev).slice(0, 200),
      installScripts,
      prisma: ['prisma', '@prisma/client'].some((n) => n in deps || n in dev),
    };
    if (lockRel && lst) {
      project.lock = { file: lockRel, bytes: lst.size };
      try {
        if (lst.size > MAX_LOCK_BYTES) throw new Error(`larger than ${MAX_LOCK_BYTES} bytes`);
        const text = fs.readFileSync(path.join(root, lockRel), 'utf8');
        project.lock.lockfile =
          lockName === 'yarn.lock' ? parseYarnLock(text, { dependencies: deps, optionalDependencies: obj(m.optionalDependencies) }) : parsePackageLock(text);
      } catch (e) {
        project.lock.error = (e as Error).message.slice(0, 200);
      }
    }
  } catch {
    project = undefined; // not JSON: npm itself would fail; nothing to say about sizes
  }
  if (memo.size > 50) memo.clear();
  memo.set(memoKey, { key, project });
  return project;
}

/** The Node projects the COPY sources bring into the image. */
export function nodeProjects(root: string, sources: readonly string[]): NodeProject[] {
  return projectDirs(root, sources)
    .map((d) => readProject(root, d))
    .filter((p): p is NodeProject => !!p);
}

/**
 * What the engine needs of the projects (DS019, DS010's caveats): everything but the lockfile's package list, whose
 * dev share is `devShare` (sizes from the cache, or a count with every size unknown). Lints cross a worker boundary on
 * every keystroke; a 20,000-package list need not.
 */
export function forLint(projects: readonly NodeProject[], sizeOf: (name: string, version: string) => { bytes: number } | null | undefined): NodeProject[] {
  return withNpmSizes(projects, sizeOf).map((p) => (p.lock?.lockfile ? { ...p, lock: { ...p.lock, lockfile: undefined } } : p));
}
