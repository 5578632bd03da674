/** Package installs and removals in RUNs (apk, apt), shared by DS002 and DS014. */
import { positionals, type Call } from '../../kernel/commands.js';
import { expand } from '../../kernel/model.js';
import type { Word } from '../../kernel/shell/parser.js';
import type { RunView } from '../run-views.js';

export const APK_VALUE_OPTS = new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '-t', '--virtual', '--repositories-file', '--keys-dir']);
const APT_VALUE_OPTS = new Set(['-o', '--option', '-t', '--target-release', '-c', '--config-file', '-a', '--host-architecture']);
const APT = new Set(['apt-get', 'apt', 'aptitude']);

export interface PkgOp {
  view: RunView;
  call: Call;
  callIndex: number;
  manager: 'apk' | 'apt';
  /** The subcommand word (`add`, `install`, `del`, `purge`, …). */
  sub: Word;
  /** Package words (positionals after the subcommand). */
  pkgs: Word[];
  /** `apk add --virtual NAME` / `-t NAME`. */
  virtual?: string;
}

/** Strips version pins and architecture qualifiers: `gcc=12.2-r0` → `gcc`, `libc6-dev:amd64` → `libc6-dev`. */
export function pkgName(w: string): string {
  return w.replace(/[=<>~].*$/, '').replace(/:[a-z0-9]+$/, '');
}

function virtualOf(call: Call): string | undefined {
  for (let i = 0; i < call.args.length; i++) {
    const v = (call.args[i] as Word).value;
    if (v === '--virtual' || v === '-t') return call.args[i + 1]?.value;
    if (v.startsWith('--virtual=')) return v.slice('--virtual='.length);
  }
  return undefined;
}

function op(view: RunView, call: Call, callIndex: number): PkgOp | null {
  if (call.name === 'apk') {
    const pos = positionals(call, APK_VALUE_OPTS);
    const sub = pos[0];
    if (!sub) return null;
    return { view, call, callIndex, manager: 'apk', sub, pkgs: pos.slice(1), virtual: virtualOf(call) };
  }
  if (APT.has(call.name)) {
    const pos = positionals(call, APT_VALUE_OPTS);
    const sub = pos[0];
    if (!sub) return null;
    return { view, call, callIndex, manager: 'apt', sub, pkgs: pos.slice(1) };
  }
  return null;
}

const opsCache = new WeakMap<RunView, PkgOp[]>();

/** Every apk/apt operation of a RUN (computed once per RUN: rules ask for every call of long chains). */
export function pkgOps(view: RunView): PkgOp[] {
  let out = opsCache.get(view);
  if (out) return out;
  out = [];
  view.calls.forEach((c, i) => {
    const o = op(view, c, i);
    if (o) (out as PkgOp[]).push(o);
  });
  opsCache.set(view, out);
  return out;
}

const opAtCache = new WeakMap<RunView, Map<number, PkgOp>>();

/** The package operation of call `callIndex` of the RUN, if it is one (a map lookup, not a scan). */
export function opAt(view: RunView, callIndex: number): PkgOp | undefined {
  let m = opAtCache.get(view);
  if (!m) opAtCache.set(view, (m = new Map(pkgOps(view).map((o) => [o.callIndex, o]))));
  return m.get(callIndex);
}

export const isInstall = (o: PkgOp): boolean => (o.manager === 'apk' ? o.sub.value === 'add' : o.sub.value === 'install');
export const isRemoval = (o: PkgOp): boolean => (o.manager === 'apk' ? o.sub.value === 'del' : ['purge', 'remove', 'autoremove'].includes(o.sub.value));

/**
 * The words the shell passes for package words, through the environment: an unquoted `$DEPS` whose
 * ARG/ENV value is `build-essential curl` is two packages (field splitting), a quoted `"$DEPS"` one.
 */
export function pkgWords(words: readonly Word[], env: ReadonlyMap<string, string>): string[] {
  return words.flatMap((w) => {
    const v = expand(w.value, env);
    return !w.quoted && v !== w.value ? v.split(/\s+/).filter(Boolean) : [v];
  });
}

/** Package names of words (version pins stripped), split through the environment as the shell does. */
export function pkgNames(words: readonly Word[], env: ReadonlyMap<string, string>): string[] {
  return pkgWords(words, env).map(pkgName);
}

/** Names an install makes removable: the packages, and the apk virtual name. */
export function installedNames(o: PkgOp, env: ReadonlyMap<string, string>): string[] {
  const names = pkgNames(o.pkgs, env);
  if (o.virtual) names.push(o.virtual);
  return names.filter((n) => n && !n.includes('$') && !n.startsWith('./') && !n.startsWith('/'));
}

/** Names a removal names (the same manager's package or virtual names). */
export function removedNames(o: PkgOp, env: ReadonlyMap<string, string>): string[] {
  return pkgNames(o.pkgs, env).filter((n) => n && !n.includes('$'));
}

/** Is `name` removed by a removal operation in `instr`'s RUN after call index `after`? */
export function removedLater(ops: readonly PkgOp[], manager: 'apk' | 'apt', name: string, env: ReadonlyMap<string, string>, after = -1): PkgOp | undefined {
  // Indexed once per operation list and env: asking this for every install of a long chain was quadratic.
  let idx = removalIndex.get(ops);
  if (!idx || idx.env !== env) {
    idx = { env, byName: new Map() };
    for (const o of ops) {
      if (!isRemoval(o)) continue;
      for (const n of new Set(removedNames(o, env))) {
        const k = `${o.manager}\u0000${n}`;
        const list = idx.byName.get(k);
        if (list) list.push(o);
        else idx.byName.set(k, [o]);
      }
    }
    removalIndex.set(ops, idx);
  }
  const list = idx.byName.get(`${manager}\u0000${name}`) ?? [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as PkgOp).callIndex > after) hi = mid;
    else lo = mid + 1;
  }
  return list[lo];
}

const removalIndex = new WeakMap<readonly PkgOp[], { env: ReadonlyMap<string, string>; byName: Map<string, PkgOp[]> }>();
