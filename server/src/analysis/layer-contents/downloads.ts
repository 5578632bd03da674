/** Files RUNs download (wget, curl) or clone (git), for DS002 and DS013. */
import { positionals, type Call } from '../../kernel/commands.js';
import { expand } from '../../kernel/model.js';
import type { Word } from '../../kernel/shell/parser.js';
import type { RunView } from '../run-views.js';
import { callDirs, isUrl, joinPath, SYSTEM_DIRS, urlBasename, type Created } from './contents.js';

const WGET_VALUE_OPTS = new Set(['-O', '-P', '-o', '-a', '-e', '-t', '-T', '-U', '-w', '--header', '--user', '--password', '-i', '-B']);
const CURL_VALUE_OPTS = new Set([
  '-o',
  '-H',
  '-u',
  '-d',
  '-X',
  '-A',
  '-e',
  '-m',
  '-r',
  '-w',
  '-x',
  '-T',
  '-F',
  '-b',
  '-c',
  '-K',
  '-E',
  '-C',
  '--output',
  '--header',
  '--user',
  '--data',
  '--retry',
  '--connect-timeout',
  '--max-time',
  '--proto',
  '--cacert',
  '--output-dir',
]);

function optValue(call: Call, names: readonly string[]): Word | undefined {
  for (let i = 0; i < call.args.length; i++) {
    const w = call.args[i] as Word;
    for (const n of names) {
      if (w.value === n) return call.args[i + 1];
      if (n.startsWith('--') && w.value.startsWith(`${n}=`)) return { ...w, value: w.value.slice(n.length + 1) };
      if (!n.startsWith('--') && w.value.startsWith(n) && w.value.length > n.length && n.length === 2) return { ...w, value: w.value.slice(2) };
    }
  }
  return undefined;
}

/** A command substitution makes the name unknowable; `${V}` / `$V` stay comparable as written (`tool-${V}.tar.gz`). */
const substituted = (w: Word): boolean => /\$\(|`/.test(w.value);

/**
 * The URL argument of a download and the file name it ends in. With `env`, a URL behind a variable counts when the
 * variable is known (`ARG MIRROR=https://…` then `wget "$MIRROR/tool.tar.gz"`).
 */
function urlBasenameOf(call: Call, opts: ReadonlySet<string>, env?: ReadonlyMap<string, string>): string {
  const url = positionals(call, opts).find((w) => isUrl(w.value) || (env !== undefined && isUrl(expand(w.value, env))));
  if (!url || substituted(url)) return '';
  return urlBasename(env ? expand(url.value, env) : url.value);
}

/** The file a wget/curl call writes (null for stdout or unknown), relative or absolute as written. */
export function downloadTarget(call: Call, env?: ReadonlyMap<string, string>): { file: string; word?: Word } | null {
  if (call.name === 'wget') {
    const o = optValue(call, ['-O', '--output-document']);
    if (o) return o.value === '-' || substituted(o) ? null : { file: o.value, word: o };
    const base = urlBasenameOf(call, WGET_VALUE_OPTS, env);
    const dir = optValue(call, ['-P', '--directory-prefix'])?.value;
    return base ? { file: dir ? `${dir.replace(/\/$/, '')}/${base}` : base } : null;
  }
  if (call.name === 'curl') {
    const o = optValue(call, ['-o', '--output']);
    if (o) return o.value === '-' || substituted(o) ? null : { file: o.value, word: o };
    if (call.args.some((w) => w.value === '-O' || w.value === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(w.value))) {
      const base = urlBasenameOf(call, CURL_VALUE_OPTS, env);
      return base ? { file: base } : null;
    }
  }
  return null;
}

const ARCHIVE_EXT = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|zip)$/i;

/**
 * Where `tar -x` / `unzip` put files: the target directory when it is the program's own (`-C /opt/tool`), and the
 * directory named after the archive (`hello-2.10.tar.gz` → `hello-2.10/`), the usual layout of release tarballs.
 */
function unpackTargets(call: Call, env: ReadonlyMap<string, string>): { dir: string; explicit: boolean; archive: string | undefined } | null {
  let dir: string | undefined;
  let archive: string | undefined;
  if (call.name === 'tar') {
    const first = call.args[0]?.value ?? '';
    const extracting = call.args.some((a) => /^--(extract|get)$/.test(a.value) || /^-[A-Za-z]*x/.test(a.value)) || /^[A-Za-z]*x[A-Za-z]*$/.test(first);
    if (!extracting) return null;
    for (let i = 0; i < call.args.length; i++) {
      const v = call.args[i]!.value;
      if (v === '-C' || v === '--directory') dir = call.args[i + 1]?.value;
      else if (v.startsWith('--directory=')) dir = v.slice(12);
      else if (/^-[A-Za-z]*f$/.test(v) || v === '--file' || (i === 0 && /^[A-Za-z]*f[A-Za-z]*$/.test(v))) archive = call.args[i + 1]?.value;
      else if (v.startsWith('--file=')) archive = v.slice(7);
    }
  } else if (call.name === 'unzip') {
    for (let i = 0; i < call.args.length; i++) {
      const v = call.args[i]!.value;
      if (v === '-d') dir = call.args[i + 1]?.value;
      else if (!v.startsWith('-') && archive === undefined && call.args[i - 1]?.value !== '-d') archive = v;
    }
  } else return null;
  const exp = (v: string | undefined): string | undefined => (v === undefined ? undefined : expand(v, env));
  dir = exp(dir);
  archive = exp(archive);
  if (dir?.includes('$') || dir?.includes('`')) return null;
  return { dir: dir ?? '.', explicit: dir !== undefined, archive: archive && archive !== '-' && !/[$`]/.test(archive) ? archive : undefined };
}

/** Files and directories the RUNs of a model download, clone or unpack, with absolute paths. */
export function runCreations(view: RunView): Created[] {
  const dirs = callDirs(view);
  const out: Created[] = [];
  view.calls.forEach((call, idx) => {
    const cwd = dirs[idx];
    if (cwd === null || cwd === undefined) return;
    const dl = downloadTarget(call, view.instr.env);
    if (dl) {
      const file = expand(dl.file, view.instr.env);
      if (!/\$\(|`/.test(file)) out.push({ instr: view.instr, path: joinPath(cwd, file), dir: false, how: 'download', call, callIndex: idx });
      return;
    }
    const unpack = unpackTargets(call, view.instr.env);
    if (unpack) {
      const dir = joinPath(cwd, unpack.dir);
      if (unpack.explicit && !SYSTEM_DIRS.has(dir)) out.push({ instr: view.instr, path: dir, dir: true, how: 'unpack', call, callIndex: idx });
      const stem = unpack.archive ? urlBasename(unpack.archive).replace(ARCHIVE_EXT, '') : '';
      if (stem && stem !== urlBasename(unpack.archive ?? '')) {
        out.push({ instr: view.instr, path: joinPath(dir, stem), dir: true, how: 'unpack', call, callIndex: idx });
      } else if (!unpack.explicit && !unpack.archive && call.cmd.before === '|' && !SYSTEM_DIRS.has(dir)) {
        // `curl … | tar -xz` into the working directory: the tree lands in it (issue 22).
        out.push({ instr: view.instr, path: dir, dir: true, how: 'unpack', call, callIndex: idx });
      }
      return;
    }
    if (call.name === 'git' && call.args[0]?.value === 'clone') {
      const pos = positionals(call, new Set(['-b', '--branch', '--depth', '-o', '--origin', '-c', '--config', '-j', '--reference'])).slice(1);
      const url = pos[0];
      if (!url || url.dynamic) return;
      const dir = pos[1]?.value ?? urlBasename(url.value).replace(/\.git$/, '');
      if (dir && !dir.includes('$')) out.push({ instr: view.instr, path: joinPath(cwd, dir), dir: true, how: 'clone', call, callIndex: idx });
    }
  });
  return out;
}
