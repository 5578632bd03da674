/**
 * What instructions put into layers, for the layer rules (DS001, DS002, DS013, DS014, DS015):
 * working directories (WORKDIR and `cd` inside a RUN), COPY/ADD destinations and what a RUN
 * deletes. Downloads are in downloads.ts, packages in ../package-managers/operations.ts.
 */
import { deletedPaths, normPath, removes, type Call } from '../../kernel/commands.js';
import { expand, type Instr, type Stage } from '../../kernel/model.js';
import type { Run } from 'dockerfile-ast';
import { runViews, viewIndex, viewOf, type RunView } from '../run-views.js';
import type { Model } from '../../kernel/model.js';
import { stateBefore } from '../../kernel/stage-index.js';

/** RUNs with a here-document anywhere (as the script or as data): their text cannot be merged. */
export function hasHeredoc(instr: Instr): boolean {
  const run = instr.run;
  if (!run) return false;
  if (run.form === 'heredoc') return true;
  if (run.script.commands.some((c) => c.redirects.some((r) => r.op === '<<' || r.op === '<<-'))) return true;
  if (!instr.args.includes('<<')) return false;
  const ast = instr.ast as unknown as Partial<Run>;
  try {
    return typeof ast.getHeredocs === 'function' && ast.getHeredocs().length > 0;
  } catch {
    return true; // dockerfile-ast cannot describe it (`RUN \<newline>\#x`): do not merge
  }
}

export function joinPath(cwd: string, p: string): string {
  if (p.startsWith('/')) return normPath(p);
  const parts = (cwd === '/' ? '' : cwd).split('/');
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.length > 1) parts.pop();
  }
  return normPath(parts.join('/') || '/');
}

/** The stage and its FROM ancestors, nearest first. */
export function stageChain(stage: Stage | null, max = Infinity): Stage[] {
  const out: Stage[] = [];
  // A set, not out.includes: a chain of n stages cost n² per call (issue 27). Parents are earlier stages, so no
  // cycle is expected; the set only guards against one.
  const seen = new Set<Stage>();
  for (let s = stage; s && !seen.has(s) && out.length < max; s = s.parent) {
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** Does `later` run on top of `instr`'s layer: after it, in its stage or a stage built FROM it, with the same ONBUILD-ness? */
export function buildsOn(later: Instr, instr: Instr): boolean {
  if (later.start <= instr.start || later.onbuild !== instr.onbuild) return false;
  if (!instr.stage) return later.stage === null;
  // Up the FROM chain without building it (parents are earlier stages: index strictly decreases).
  for (let s = later.stage; s; s = s.parent && s.parent.index < s.index ? s.parent : null) if (s === instr.stage) return true;
  return false;
}

/** The RUNs that build on `instr`'s layer, in file order (searched from `instr` on, not from the top). */
export function* laterRuns(model: Model, instr: Instr): Generator<RunView> {
  const views = runViews(model);
  for (let k = viewIndex(model, instr) + 1; k < views.length; k++) {
    const v = views[k] as RunView;
    if (buildsOn(v.instr, instr)) yield v;
  }
}

/** Instructions before `instr` in its stage and the stage's FROM ancestors, in build order. */
export function earlierInstrs(instr: Instr): Instr[] {
  const chain = stageChain(instr.stage).reverse();
  const out: Instr[] = [];
  for (const s of chain) {
    for (const i of s.instrs) {
      if (i === instr) return out;
      if (i.onbuild === instr.onbuild) out.push(i);
    }
  }
  return out;
}

/** The WORKDIR in effect at an instruction ('/' by default); null when it cannot be known. Folded once per stage. */
export function workdirAt(instr: Instr): string | null {
  return stateBefore<string | null>(instr, 'workdir', '/', (cwd, i) => {
    if (i.keyword !== 'WORKDIR' || i.onbuild) return cwd;
    const dir = expand(i.args.replace(/^(["'])(.*)\1$/, '$2'), i.env);
    return dir.includes('$') || cwd === null ? (dir.startsWith('/') && !dir.includes('$') ? normPath(dir) : null) : joinPath(cwd, dir);
  });
}

/** The working directory before each call of a RUN (tracking top-level `cd`); null once unknown. */
export function callDirs(view: RunView): (string | null)[] {
  let cwd = workdirAt(view.instr);
  // A `cd` inside `( … )` makes the directory unknown until the subshell ends (subshells have no identity
  // here: `( cd a ) && ( x )` leaves x's directory unknown too, never wrong).
  let outer: string | null | undefined;
  return view.calls.map((call) => {
    if (outer !== undefined && !call.cmd.subshell) [cwd, outer] = [outer, undefined];
    const before = cwd;
    if (call.name === 'cd' && call.cmd.subshell) {
      if (outer === undefined) outer = cwd;
      cwd = null;
    } else if (call.name === 'cd') {
      const target = call.args[0];
      const value = target ? expand(target.value, view.instr.env) : '';
      if (call.cmd.depth > 0 || !target || value.includes('$') || value === '-' || cwd === null) cwd = null;
      else cwd = joinPath(cwd, value.replace(/^~(?=\/|$)/, '/root'));
    }
    return before;
  });
}

export const SYSTEM_DIRS: ReadonlySet<string> = new Set([
  '/',
  '/tmp',
  '/usr',
  '/usr/local',
  '/usr/local/bin',
  '/usr/bin',
  '/usr/lib',
  '/usr/share',
  '/etc',
  '/var',
  '/opt',
  '/root',
  '/home',
  '/bin',
  '/lib',
  '/srv',
]);

/** Something an instruction put into its layer. */
export interface Created {
  instr: Instr;
  /** Absolute path. */
  path: string;
  /** A directory whose contents came in (deleting anything inside it counts). */
  dir: boolean;
  how: 'copy' | 'download' | 'clone' | 'unpack' | 'install';
  /** For RUN creations: the call that created it and its index in the RUN's calls. */
  call?: Call;
  callIndex?: number;
}

export function urlBasename(url: string): string {
  const clean = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Splits COPY/ADD arguments into flags, sources and destination (shell or JSON form). */
export function copyArgs(instr: Instr): { flags: string[]; sources: string[]; dest: string } | null {
  const a = instr.args.trim();
  const flags: string[] = [];
  let rest = a;
  for (;;) {
    const m = /^--\S+\s*/.exec(rest);
    if (!m) break;
    flags.push(m[0].trim());
    rest = rest.slice(m[0].length);
  }
  let words: string[];
  if (rest.startsWith('[')) {
    try {
      words = JSON.parse(rest) as string[];
    } catch {
      return null;
    }
  } else {
    if (rest.startsWith('<<')) return null; // COPY heredoc
    words = rest.split(/\s+/).filter(Boolean);
  }
  if (words.length < 2) return null;
  const dest = words[words.length - 1] as string;
  return { flags, sources: words.slice(0, -1), dest };
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);
const LOCAL_ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

const copyCache = new WeakMap<Instr, Created[]>();

/** Paths a COPY/ADD creates. */
export function copyCreations(instr: Instr): Created[] {
  let out = copyCache.get(instr);
  if (!out) {
    out = computeCopyCreations(instr);
    copyCache.set(instr, out);
  }
  return out;
}

function computeCopyCreations(instr: Instr): Created[] {
  const info = copyArgs(instr);
  const cwd = workdirAt(instr);
  if (!info || cwd === null) return [];
  const dest = expand(info.dest, instr.env);
  if (dest.includes('$')) return [];
  const destAbs = joinPath(cwd, dest);
  const intoDir = dest.endsWith('/') || dest === '.' || info.sources.length > 1;
  const out: Created[] = [];
  for (const raw of info.sources) {
    const src = expand(raw, instr.env);
    const contents = src === '.' || src.endsWith('/') || src.includes('*') || (instr.keyword === 'ADD' && !isUrl(src) && LOCAL_ARCHIVE.test(src));
    if (contents) out.push({ instr, path: destAbs, dir: !SYSTEM_DIRS.has(destAbs), how: 'copy' });
    else if (isUrl(src)) out.push({ instr, path: intoDir ? joinPath(destAbs, urlBasename(src)) : destAbs, dir: false, how: 'download' });
    else if (intoDir) out.push({ instr, path: joinPath(destAbs, src.slice(src.lastIndexOf('/') + 1)), dir: true, how: 'copy' });
    // Without a trailing slash the source may be a directory: its contents land at dest.
    else out.push({ instr, path: destAbs, dir: !SYSTEM_DIRS.has(destAbs), how: 'copy' });
  }
  return out;
}

/** Absolute paths (or glob patterns) deleted by each call of a RUN, by call index. */
export function deletionsByCall(view: RunView): Map<number, string[]> {
  const dirs = callDirs(view);
  const out = new Map<number, string[]>();
  view.calls.forEach((call, idx) => {
    const cwd = dirs[idx];
    // A variable nobody here defines stays as written: it names the same file as the same text elsewhere
    // (`wget …/redis-${V}.tar.gz` … `rm redis-${V}.tar.gz`); a command substitution names nothing knowable.
    const paths = deletedPaths(call, view.instr.env).filter((p) => !/\$\(|`/.test(p));
    if (paths.length === 0) return;
    if (cwd === null || cwd === undefined) {
      const abs = paths.filter((p) => p.startsWith('/'));
      if (abs.length) out.set(idx, abs.map(normPath));
      return;
    }
    out.set(
      idx,
      paths.map((p) => joinPath(cwd, p)),
    );
  });
  return out;
}

function globRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\[!/g, '[^');
  try {
    return new RegExp(`^${body}$`);
  } catch {
    // An unbalanced `[` (`rm /x[`): match the pattern literally.
    return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  }
}

/** Does deleting `target` remove `created` (or, for directories, part of it)? */
export function deletes(target: string, created: Created): boolean {
  if (/[*?[]/.test(target)) {
    const re = globRegex(target);
    if (re.test(created.path)) return true;
    return created.dir && target.startsWith(created.path + '/');
  }
  if (removes(target, created.path)) return true;
  return created.dir && normPath(target).startsWith(created.path === '/' ? '/' : created.path + '/');
}

/** Was `created` deleted by a call of its own RUN after it was made? */
export function deletedInSameRun(model: Model, created: Created, known?: RunView): boolean {
  const view = known?.instr === created.instr ? known : viewOf(model, created.instr);
  if (!view || created.callIndex === undefined) return false;
  for (const [idx, paths] of deletionsByCall(view)) {
    if (idx > created.callIndex && paths.some((p) => removes(p, created.path) || (/[*?[]/.test(p) && globRegex(p).test(created.path)))) return true;
  }
  return false;
}

/**
 * A suppression pragma (`# hadolint ignore=…`, `# dockerfile-slim ignore=…`) between two
 * instructions: merging would move it inside a RUN, where it no longer suppresses anything.
 */
export function pragmaBetween(model: Model, a: Instr, b: Instr): boolean {
  return /^[ \t]*#\s*(hadolint|dockerfile-slim)\s+(global\s+)?ignore\s*=/m.test(model.text.slice(a.end, b.start));
}
