/**
 * One RUN's apt operations replayed against an index, in order: installs add what apt would add
 * (recommends or not), removals take the named packages and, with `--auto-remove` or `apt-get
 * autoremove`, whatever no manually installed package still needs. The RUN's layer holds only the
 * packages it added that are still installed when it ends (files deleted in the same layer never
 * reach it), plus dpkg's bookkeeping per install.
 */
import { hasFlag } from '../../kernel/commands.js';
import type { Word } from '../../kernel/shell/parser.js';
import { autoremovable } from './autoremove.js';
import { pkgNames, type PkgOp } from './operations.js';
import { resolveInstall } from '../../../../common/src/package-index/resolve.js';
import { packageLayerBytes, PER_INSTALL_BYTES } from '../../../../common/src/package-index/layer-size.js';
import type { PackageIndex } from '../../../../common/src/package-index/types.js';

export interface AptState {
  installed: ReadonlySet<string>;
  /** Installed by name (base image, explicit installs): what autoremove keeps and follows. */
  manual: ReadonlySet<string>;
}

export interface SimulatedInstall {
  op: PkgOp;
  packages: string[];
  recommends: boolean;
  /** What the install added (before any removal of the RUN), with layer sizes, biggest first. */
  added: Array<{ name: string; bytes: number }>;
  before: ReadonlySet<string>;
}

export interface SimulatedRun {
  installs: SimulatedInstall[];
  /** Packages the RUN added that are still installed at its end (its layer), biggest first. */
  kept: Array<{ name: string; bytes: number }>;
  /** How many packages the RUN installed and removed again. */
  removed: number;
  bytes: number;
  /** False when a package list is not plain names or the index does not know a name. */
  known: boolean;
  end: AptState;
}

/** A change to one install call: recommends off and extra packages (DS004's fix). */
export interface InstallVariant {
  callIndex: number;
  extra: readonly string[];
}

const AUTOREMOVE_ON = /^(?:-o|--option=)?APT::Get::AutomaticRemove=(?:1|yes|true|on)$/i;
const RECOMMENDS_UNIMPORTANT = /^(?:-o|--option=)?APT::AutoRemove::RecommendsImportant=(?:0|no|false|off)$/i;

/** The package names an install call asks for, or undefined when one is not a plain name. */
export function requestedNames(words: readonly Word[], env: ReadonlyMap<string, string>): string[] | undefined {
  const names: string[] = [];
  for (const w of pkgNames(words, env)) {
    const n = w.toLowerCase();
    if (!/^[a-z0-9][a-z0-9+.-]*$/.test(n)) return undefined; // $VAR, globs, ./local.deb, /path
    names.push(n);
  }
  return names.length ? names : undefined;
}

function layerSize(name: string, index: PackageIndex): { name: string; bytes: number } {
  return { name, bytes: packageLayerBytes(name, index.get(name)?.installedBytes ?? 0) };
}

const bySize = (a: { name: string; bytes: number }, b: { name: string; bytes: number }): number => b.bytes - a.bytes || (a.name < b.name ? -1 : 1);

/**
 * Replays `ops` (one RUN's package operations). `recommends(op)` says whether an install takes
 * recommends as written; `variant` turns one call's recommends off and adds packages to it.
 */
export function simulateRun(
  index: PackageIndex,
  ops: readonly PkgOp[],
  env: ReadonlyMap<string, string>,
  start: AptState,
  recommends: (op: PkgOp) => boolean,
  variant?: InstallVariant,
): SimulatedRun {
  const installed = new Set(start.installed);
  const manual = new Set(start.manual);
  const addedHere = new Set<string>();
  const installs: SimulatedInstall[] = [];
  let known = true;
  let everAdded = 0;
  let removals = 0;
  for (const op of ops) {
    if (op.manager !== 'apt') continue;
    const sub = op.sub.value;
    if (sub === 'install') {
      let names = requestedNames(op.pkgs, env);
      if (!names) {
        known = false;
        continue;
      }
      const changed = variant?.callIndex === op.callIndex;
      if (changed) names = [...names, ...(variant?.extra ?? [])];
      const rec = changed ? false : recommends(op);
      const r = resolveInstall(index, { packages: names, recommends: rec }, installed);
      if (r.unknown.length) known = false;
      const before: ReadonlySet<string> = new Set(installed);
      for (const p of r.added) {
        installed.add(p.name);
        addedHere.add(p.name);
      }
      everAdded += r.added.length;
      for (const n of names) if (installed.has(n)) manual.add(n);
      installs.push({ op, packages: names, recommends: rec, added: r.added.map((p) => layerSize(p.name, index)).sort(bySize), before });
      continue;
    }
    if (sub !== 'purge' && sub !== 'remove' && sub !== 'autoremove') continue;
    const names = op.pkgs.length ? requestedNames(op.pkgs, env) : [];
    if (!names) {
      known = false; // a glob or a variable: which packages go is unknown
      continue;
    }
    const sizeBefore = installed.size;
    for (const n of names) {
      installed.delete(n);
      manual.delete(n);
    }
    const args = op.call.args.map((w) => w.value);
    if (sub === 'autoremove' || hasFlag(op.call, ['auto-remove', 'autoremove']) || args.some((a) => AUTOREMOVE_ON.test(a))) {
      const important = !args.some((a) => RECOMMENDS_UNIMPORTANT.test(a));
      for (const n of autoremovable(index, installed, manual, important)) installed.delete(n);
    }
    if (installed.size < sizeBefore) removals++;
  }
  const kept = [...addedHere]
    .filter((n) => installed.has(n))
    .map((n) => layerSize(n, index))
    .sort(bySize);
  // dpkg's status, logs and caches are rewritten by every install that adds something and every removal that
  // removes something (measured: a RUN that installs and purges all of build-essential leaves 1.2 MB).
  const writes = installs.filter((i) => i.added.length > 0).length + removals;
  const bytes = kept.reduce((s, p) => s + p.bytes, 0) + PER_INSTALL_BYTES * writes;
  return { installs, kept, removed: everAdded - kept.length, bytes, known, end: { installed, manual } };
}
