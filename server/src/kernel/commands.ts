/**
 * Reading simple commands the way a shell would run them: strip wrappers (sudo, env, …),
 * find subcommands past option values, test flags, and decide which paths `rm` deletes.
 */
import type { Command, Word } from './shell/parser.js';
import { expand } from './model.js';

export interface Call {
  cmd: Command;
  /** Basename of the program actually run, e.g. "apt-get" for `sudo -E /usr/bin/apt-get`. */
  name: string;
  nameWord: Word;
  /** Arguments after the program name. */
  args: Word[];
}

/** Options of wrapper programs that take a separate value. */
const WRAPPER_VALUE_OPTS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  ionice: new Set(['-c', '-n', '-p']),
  stdbuf: new Set(['-i', '-o', '-e']),
  timeout: new Set(['-s', '-k']),
  'su-exec': new Set(),
  gosu: new Set(),
  chroot: new Set(),
  time: new Set(['-f', '-o']),
  command: new Set(),
  exec: new Set(['-a']),
  nohup: new Set(),
  xargs: new Set(['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a']),
};

function basename(s: string): string {
  const i = s.lastIndexOf('/');
  return i >= 0 ? s.slice(i + 1) : s;
}

/** Resolves the program a simple command runs, looking through wrappers. */
export function resolveCall(cmd: Command, env?: ReadonlyMap<string, string>): Call | null {
  const words = cmd.words;
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const w = words[i] as Word;
    const name = basename(env ? expand(w.value, env) : w.value);
    const valueOpts = WRAPPER_VALUE_OPTS[name];
    if (!valueOpts) return { cmd, name, nameWord: w, args: words.slice(i + 1) };
    i++;
    // Skip the wrapper's own options and, for env, VAR=value words.
    while (i < words.length) {
      const v = (words[i] as Word).value;
      if (valueOpts.has(v)) i += 2;
      else if (v.startsWith('-') && v !== '-') i++;
      else if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) i++;
      else if (name === 'timeout' && /^[0-9.]+[smhd]?$/.test(v)) i++;
      else if ((name === 'gosu' || name === 'su-exec' || name === 'chroot') && i < words.length) {
        i++; // user or new root
        break;
      } else break;
    }
  }
  return null;
}

/** All calls in a script, in order. */
export function calls(cmds: readonly Command[], env?: ReadonlyMap<string, string>): Call[] {
  const out: Call[] = [];
  for (const c of cmds) {
    const call = resolveCall(c, env);
    if (call) out.push(call);
  }
  return out;
}

const NO_OPTIONS: ReadonlySet<string> = new Set();

/**
 * Positional arguments (not options), skipping the values of options listed in `valueOpts`
 * (e.g. `-o Dpkg::Options=x` for apt-get). Stops treating words as options after `--`.
 */
export function positionals(call: Call, valueOpts: ReadonlySet<string> = NO_OPTIONS): Word[] {
  const out: Word[] = [];
  let optsDone = false;
  for (let i = 0; i < call.args.length; i++) {
    const w = call.args[i] as Word;
    if (!optsDone && w.value === '--') {
      optsDone = true;
      continue;
    }
    if (!optsDone && w.value.startsWith('-') && w.value !== '-') {
      if (valueOpts.has(w.value)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** True when the call has `--long` / `--long=…` or a short `-x` (also inside `-xyz`). */
export function hasFlag(call: Call, long: readonly string[], short: readonly string[] = []): boolean {
  for (const w of call.args) {
    const v = w.value;
    if (v === '--') return false;
    if (v.startsWith('--')) {
      const name = v.slice(2).split('=')[0] ?? '';
      if (long.includes(name)) return true;
    } else if (v.startsWith('-') && v.length > 1 && short.length > 0) {
      for (const ch of v.slice(1)) if (short.includes(ch)) return true;
    }
  }
  return false;
}

/** Normalises a path for comparison: no trailing slash, no `//`, no `./`. */
export function normPath(p: string): string {
  if (!p.includes('//') && !p.includes('/.') && !(p.length > 1 && p.endsWith('/'))) return p; // already normal (most paths)
  let s = p.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/**
 * Does deleting `target` (as given to rm, maybe with a trailing `/*`) remove everything in
 * `dir`? `rm -rf /var/lib/apt/lists/*`, `rm -fr /var/lib/apt/lists` and `rm -rf /var/lib/apt`
 * all cover `/var/lib/apt/lists`; `rm -rf /tmp/x` or `rm /var/lib/apt/lists/lock` do not.
 */
export function removes(target: string, dir: string): boolean {
  let t = normPath(target);
  const d = normPath(dir);
  if (t.endsWith('/*')) t = t.slice(0, -2) || '/';
  else if (t.endsWith('/.*')) return false;
  if (/[*?[]/.test(t)) return false;
  return d === t || d.startsWith(t === '/' ? '/' : t + '/');
}

/** Paths a call deletes: `rm` targets and `find <dir> … -delete`. */
export function deletedPaths(call: Call, env?: ReadonlyMap<string, string>): string[] {
  const val = (w: Word): string => (env ? expand(w.value, env) : w.value);
  if (call.name === 'rm' || call.name === 'rmdir' || call.name === 'unlink') return positionals(call).map(val);
  if (call.name === 'find' && call.args.some((w) => w.value === '-delete' || w.value === '-exec')) {
    const first = call.args[0];
    return first && !first.value.startsWith('-') ? [val(first)] : [];
  }
  return [];
}

/** Per call list and directories: the index of the last call that deletes them (-1: none). */
const lastCleaning = new WeakMap<readonly Call[], Map<string, { env: ReadonlyMap<string, string> | undefined; last: number }>>();

/**
 * True when some call at or after index `from` deletes all of `dir`. Rules ask this for every
 * install in a RUN, so the answer is computed once per RUN (a RUN of 40 000 `apk add` took minutes).
 */
export function cleansDir(list: readonly Call[], from: number, dirs: readonly string[], env?: ReadonlyMap<string, string>): boolean {
  let byDirs = lastCleaning.get(list);
  if (!byDirs) lastCleaning.set(list, (byDirs = new Map()));
  const key = dirs.join('\0');
  let hit = byDirs.get(key);
  if (!hit || hit.env !== env) {
    let last = -1;
    for (let i = list.length - 1; i >= 0 && last < 0; i--) {
      if (deletedPaths(list[i] as Call, env).some((p) => dirs.some((d) => removes(p, d)))) last = i;
    }
    hit = { env, last };
    byDirs.set(key, hit);
  }
  return hit.last >= from;
}

/** Builtins whose effect outlives the command: merging RUNs across them changes behaviour. */
export const STATEFUL_BUILTINS = new Set([
  'cd',
  'pushd',
  'popd',
  'export',
  'set',
  'unset',
  'umask',
  'source',
  '.',
  'alias',
  'shopt',
  'exec',
  'exit',
  'trap',
  'ulimit',
  'readonly',
  'local',
  'declare',
  'typeset',
  'return',
  'hash',
]);

/** True when the script changes shell state that a following command would inherit. */
export function changesShellState(cmds: readonly Command[]): boolean {
  return cmds.some((c) => !c.subshell && ((c.words.length === 0 && c.assigns.length > 0) || STATEFUL_BUILTINS.has(c.words[0]?.value ?? '')));
}

/** POSIX shells: RUNs under PowerShell or cmd (Windows images) are neither analysed nor merged. */
const POSIX_SHELL = /(^|[/\\])(sh|bash|ash|dash|zsh|ksh|busybox)(\.exe)?$/i;

export function isPosixShell(shell: string): boolean {
  return POSIX_SHELL.test(shell);
}
