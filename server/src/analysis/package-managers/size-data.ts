/**
 * Package knowledge for rules (DS004, DS014): the estimate of one install call, the real
 * Recommends data for recommends.ts, what the flag saves and drops, and what a removal without
 * autoremove leaves behind. Only indexes already loaded (LintOptions.packages); never fetches.
 */
import type { Call } from '../../kernel/commands.js';
import type { Model } from '../../kernel/model.js';
import type { LintOptions } from '../../kernel/types.js';
import { estimateModel, type InstallEstimate } from './estimate.js';
import { formatBytes, packageCount } from './format.js';
import { installLayerBytes } from '../../../../common/src/package-index/layer-size.js';
import { resolveInstall } from '../../../../common/src/package-index/resolve.js';
import type { RecommendsSource } from './recommends.js';

const cache = new WeakMap<Model, { version: number; byCall: Map<Call, InstallEstimate> }>();

/** The estimate of an `apt-get install` call, when its release's index is loaded. */
export function installEstimate(model: Model, options: LintOptions, call: Call): InstallEstimate | undefined {
  const packages = options.packages;
  if (!packages) return undefined;
  let hit = cache.get(model);
  if (!hit || hit.version !== packages.version) {
    const byCall = new Map<Call, InstallEstimate>();
    for (const run of estimateModel(model, (b) => packages.lookup(b)).runs) for (const i of run.installs) byCall.set(i.op.call, i);
    hit = { version: packages.version, byCall };
    cache.set(model, hit);
  }
  return hit.byCall.get(call);
}

/** recommends.ts's RecommendsSource from the index: what installing `pkg` adds through Recommends. */
export function recommendsSource(est: InstallEstimate): RecommendsSource {
  return (pkg) => {
    if (!est.index.get(pkg)) return undefined;
    const without = resolveInstall(est.index, { packages: [pkg], recommends: false }, est.before);
    const kept = new Set(without.added.map((p) => p.name));
    return resolveInstall(est.index, { packages: [pkg], recommends: true }, est.before)
      .added.map((p) => p.name)
      .filter((n) => !kept.has(n));
  };
}

export interface Savings {
  bytes: number;
  packages: number;
  /** Directly recommended packages that are dropped (what a reader recognises), biggest first. */
  direct: string[];
}

/** What `--no-install-recommends` plus explicitly kept packages saves compared with the install as written. */
export function savings(est: InstallEstimate, keep: readonly string[]): Savings {
  const withRec = resolveInstall(est.index, { packages: est.packages, recommends: true }, est.before);
  const without = resolveInstall(est.index, { packages: [...est.packages, ...keep], recommends: false }, est.before);
  const kept = new Set(without.added.map((p) => p.name));
  const dropped = withRec.added.filter((p) => !kept.has(p.name));
  // The requested packages' own Recommends (what a reader recognises), not what those pull in.
  const directNames = new Set(est.packages.flatMap((r) => (est.index.get(r)?.recommends ?? []).flat()));
  const direct = dropped.filter((p) => directNames.has(p.name));
  return {
    bytes: Math.max(0, installLayerBytes(withRec.added) - installLayerBytes(without.added)),
    packages: dropped.length,
    direct: direct.map((p) => p.name),
  };
}

/** "saves ≈364 MB and drops 45 packages (build-essential, python3-dev)" */
export function savingsText(s: Savings): string {
  const names = s.direct.slice(0, 4).join(', ') + (s.direct.length > 4 ? ', …' : '');
  return `saves ≈${formatBytes(s.bytes)} and drops ${packageCount(s.packages)}${names ? ` (${names})` : ''}`;
}

/** What removing `names` (no autoremove) leaves installed of what installing them added: their dependencies. */
export function leftBehind(est: InstallEstimate, names: readonly string[]): Array<{ name: string; bytes: number }> {
  const removed = new Set(names);
  const added = resolveInstall(est.index, { packages: names.filter((n) => est.index.get(n)), recommends: false }, est.before).added;
  return added.filter((p) => !removed.has(p.name));
}
