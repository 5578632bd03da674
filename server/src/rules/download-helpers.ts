/** Files RUNs download (wget, curl) or clone (git), for DS002 and DS013. */
import { positionals, type Call } from '../engine/commands.js';
import { expand } from '../engine/model.js';
import type { Word } from '../engine/shell/parser.js';
import type { RunView } from './helpers.js';
import { callDirs, isUrl, joinPath, urlBasename, type Created } from './layer-helpers.js';

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

/** The file a wget/curl call writes (null for stdout or unknown), relative or absolute as written. */
export function downloadTarget(call: Call): { file: string; word?: Word } | null {
  if (call.name === 'wget') {
    const o = optValue(call, ['-O', '--output-document']);
    if (o) return o.value === '-' || substituted(o) ? null : { file: o.value, word: o };
    const url = positionals(call, WGET_VALUE_OPTS).find((w) => isUrl(w.value));
    if (!url || substituted(url)) return null;
    const dir = optValue(call, ['-P', '--directory-prefix'])?.value;
    const base = urlBasename(url.value);
    return base ? { file: dir ? `${dir.replace(/\/$/, '')}/${base}` : base } : null;
  }
  if (call.name === 'curl') {
    const o = optValue(call, ['-o', '--output']);
    if (o) return o.value === '-' || substituted(o) ? null : { file: o.value, word: o };
    if (call.args.some((w) => w.value === '-O' || w.value === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(w.value))) {
      const url = positionals(call, CURL_VALUE_OPTS).find((w) => isUrl(w.value));
      const base = url && !substituted(url) ? urlBasename(url.value) : '';
      return base ? { file: base } : null;
    }
  }
  return null;
}

/** Files and directories the RUNs of a model download or clone, with absolute paths. */
export function runCreations(view: RunView): Created[] {
  const dirs = callDirs(view);
  const out: Created[] = [];
  view.calls.forEach((call, idx) => {
    const cwd = dirs[idx];
    if (cwd === null || cwd === undefined) return;
    const dl = downloadTarget(call);
    if (dl) {
      const file = expand(dl.file, view.instr.env);
      if (!/\$\(|`/.test(file)) out.push({ instr: view.instr, path: joinPath(cwd, file), dir: false, how: 'download', call, callIndex: idx });
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
