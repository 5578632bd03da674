// Keeps paths that come from settings inside the workspace (shared by the server and the client). A repository
// controls its `.vscode/settings.json`: a build context of `../..` would send a home directory to `docker build`,
// and on Windows a UNC context (`\\host@80\s`) makes every `existsSync` on it an outgoing connection that leaks
// the user's credentials. So the setting is checked as text first (UNC or outside: refused without touching the
// file system), then followed one component at a time with `readlink` only, each link target checked as text
// before it is followed. Nothing outside the workspace folder is ever stat-ed, opened or resolved.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Confined = { ok: true; dir: string } | { ok: false; reason: string };

export interface ConfineOptions {
  platform?: NodeJS.Platform;
  /** Target of `p` when it is a symbolic link, undefined when it is not; throws when `p` does not exist. */
  readLink?: (p: string) => string | undefined;
}

function defaultReadLink(p: string): string | undefined {
  return fs.lstatSync(p).isSymbolicLink() ? fs.readlinkSync(p) : undefined;
}

/** `\\host\share`, `//host/share`, `\\?\UNC\…`, `\\.\device`, `\??\…`: paths that may reach the network or a device. */
export function isUncPath(p: string): boolean {
  return /^([\\/]{2}|\\\?\?\\)/.test(p.trim());
}

function pathApi(platform: NodeJS.Platform): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** True when `p` is `dir` or under it (both absolute, same platform). */
export function isInsideDir(p: string, dir: string, platform: NodeJS.Platform = process.platform): boolean {
  const api = pathApi(platform);
  const rel = api.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !api.isAbsolute(rel));
}

const MAX_LINKS = 40;

/**
 * Resolves `setting` (relative to `root`, or absolute) to a real folder inside `root`, which must itself be a
 * real path (the workspace folder after realpath). Refused: UNC and device paths, anything outside `root` as
 * written, and anything a symbolic link inside `root` would take outside it.
 */
export function confineToRoot(root: string, setting: string, opts: ConfineOptions = {}): Confined {
  const platform = opts.platform ?? process.platform;
  const api = pathApi(platform);
  const readLink = opts.readLink ?? defaultReadLink;
  const raw = setting.trim();
  if (raw.includes('\0')) return { ok: false, reason: 'it contains a NUL character' };
  if (isUncPath(raw)) return { ok: false, reason: 'UNC and device paths are not allowed' };
  if (isUncPath(root)) {
    // The user opened a folder on a share: only plain relative paths inside it.
    if (api.isAbsolute(raw)) return { ok: false, reason: 'it must be relative to the workspace folder' };
  }
  const target = api.resolve(root, raw);
  if (!isInsideDir(target, root, platform)) return { ok: false, reason: 'it is outside the workspace folder' };
  let parts = api
    .relative(root, target)
    .split(api.sep)
    .filter((x) => x !== '');
  let cur = root;
  let links = 0;
  while (parts.length > 0) {
    const next = api.join(cur, parts[0] as string);
    let link: string | undefined;
    try {
      link = readLink(next);
    } catch {
      return { ok: false, reason: `${api.relative(root, next) || '.'} does not exist` };
    }
    if (link === undefined) {
      cur = next;
      parts = parts.slice(1);
      continue;
    }
    if (++links > MAX_LINKS) return { ok: false, reason: 'too many symbolic links' };
    if (isUncPath(link)) return { ok: false, reason: 'a symbolic link in it points to a UNC or device path' };
    const resolved = api.resolve(cur, link);
    if (!isInsideDir(resolved, root, platform)) return { ok: false, reason: 'a symbolic link in it points outside the workspace folder' };
    parts = [
      ...api
        .relative(root, resolved)
        .split(api.sep)
        .filter((x) => x !== ''),
      ...parts.slice(1),
    ];
    cur = root;
  }
  return { ok: true, dir: cur };
}

/**
 * The build context for a Dockerfile: its own folder when `setting` is empty, else `setting` confined to
 * the workspace folder (realpath taken here; the folder is the one the user opened) or, with no folder,
 * to the Dockerfile's folder.
 */
export function resolveBuildContext(setting: string, dockerfile: string, workspaceFolder: string | undefined, opts: ConfineOptions = {}): Confined {
  const api = pathApi(opts.platform ?? process.platform);
  if (setting.trim() === '') return { ok: true, dir: api.dirname(dockerfile) };
  const base = workspaceFolder ?? api.dirname(dockerfile);
  let root = base;
  if (!opts.readLink) {
    try {
      root = fs.realpathSync(base);
    } catch {
      return { ok: false, reason: 'the workspace folder cannot be resolved' };
    }
  }
  return confineToRoot(root, setting, opts);
}
