// Resolves the docker executable to an absolute path before anything is spawned (no vscode import: unit-tested).
// Spawning a bare "docker" lets the OS search on its own terms: on Windows the working directory comes first,
// so a `docker.exe` committed to a repository would run. Here only absolute PATH entries are searched, never
// the current directory, never a relative entry, and never a folder inside the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Folders never searched, nor anything under them (the workspace folders). */
  exclude?: readonly string[];
  /** Whether a path is an executable regular file (injectable for tests of other platforms). */
  isExecutable?: (file: string) => boolean;
}

function defaultIsExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string, win: boolean): string | undefined {
  if (!win) return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/**
 * The absolute path `name` runs as, or undefined when there is none. An absolute `name` is used as it is
 * (it is a machine-scoped setting); a relative path with a separator is refused (it would depend on the
 * working directory); a bare name is looked up in PATH. On Windows only `.exe` and `.com` files are
 * candidates (Node refuses to run `.bat`/`.cmd` without a shell, and a shell is never used).
 */
export function resolveExecutable(name: string, opts: ResolveOptions = {}): string | undefined {
  const platform = opts.platform ?? process.platform;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const isExecutable = opts.isExecutable ?? defaultIsExecutable;
  const exe = name.trim();
  if (exe === '' || exe.includes('\0')) return undefined;
  const exts = win && !/\.(exe|com)$/i.test(exe) ? ['.exe', '.com'] : [''];
  const first = (base: string): string | undefined => exts.map((e) => base + e).find((f) => isExecutable(f));
  if (p.isAbsolute(exe)) {
    if (win && /^[\\/]{2}/.test(exe)) return undefined; // a UNC path: never run from a network share
    return first(p.normalize(exe));
  }
  if (exe.includes('/') || (win && exe.includes('\\'))) return undefined;
  const excluded = (opts.exclude ?? []).map((d) => p.resolve(d));
  const inside = (dir: string): boolean =>
    excluded.some((x) => {
      const rel = p.relative(x, dir);
      return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
    });
  const search = envValue(opts.env ?? process.env, 'PATH', win) ?? '';
  for (const raw of search.split(win ? ';' : ':')) {
    const dir = raw.replace(/^"(.*)"$/, '$1');
    if (dir === '' || !p.isAbsolute(dir) || (win && /^[\\/]{2}/.test(dir))) continue; // '.', relative or UNC entries
    const d = p.normalize(dir);
    if (inside(d)) continue;
    const found = first(p.join(d, exe));
    if (found) return found;
  }
  return undefined;
}
