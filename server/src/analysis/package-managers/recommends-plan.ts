/**
 * DS004's plan for one install call: which recommended packages to keep explicitly next to
 * `--no-install-recommends`, whether that can be judged, and (with an index) what it saves on the
 * RUN's layer. One computation for the DS004 message, its fix title, `estimate` and the hover, so
 * they give the same figure and say the same thing about what is kept.
 */
import { positionals, type Call } from '../../kernel/commands.js';
import type { Instr, Model } from '../../kernel/model.js';
import { anyBefore } from '../../kernel/stage-index.js';
import type { Word } from '../../kernel/shell/parser.js';
import type { LintOptions } from '../../kernel/types.js';
import { runViews } from '../run-views.js';
import { installedNames, isInstall, pkgNames, pkgOps } from './operations.js';
import { recommendsToKeep } from './recommends.js';
import { formatBytes } from './format.js';
import { installEstimate, packagesWord, recommendsSource, savings, type Savings } from './size-data.js';
import { stageUsage } from './stage-usage.js';
import type { RunEstimate } from './estimate.js';

export const APT_VALUE_OPTS = new Set([
  '-o',
  '--option',
  '-c',
  '--config-file',
  '-t',
  '--target-release',
  '--default-release',
  '-a',
  '--host-architecture',
  '-F',
  '-w',
]);

export interface RecommendsPlan {
  /** The package words of the call (the kept packages go after the last one). */
  pkgs: Word[];
  keep: string[];
  /** Why the plan cannot be judged (then the fix is unsafe). */
  unsure?: string;
  note?: string;
  /** With the release's index: what the flag plus `keep` saves on the RUN's layer. */
  saved?: Savings;
  /** The install adds recommended packages, but a removal of the same RUN takes them again. */
  removedAgain?: boolean;
}

/** The apt packages each RUN installs explicitly, by call index (once per model: DS004 and DS014 ask for every install). */
const aptInstallsCache = new WeakMap<Model, Map<Instr, { callIndex: number; names: string[] }[]>>();
export function aptInstalls(model: Model): Map<Instr, { callIndex: number; names: string[] }[]> {
  let m = aptInstallsCache.get(model);
  if (!m) {
    m = new Map();
    for (const v of runViews(model)) {
      const list = pkgOps(v)
        .filter((o) => o.manager === 'apt' && isInstall(o))
        .map((o) => ({ callIndex: o.callIndex, names: installedNames(o, v.instr.env) }));
      if (list.length > 0) m.set(v.instr, list);
    }
    aptInstallsCache.set(model, m);
  }
  return m;
}

/** Is `pkg` installed explicitly before this call (earlier in the stage chain, or earlier in the RUN)? */
function installedBefore(model: Model, instr: Instr, callIndex: number, pkg: string): boolean {
  const installs = aptInstalls(model);
  if (installs.get(instr)?.some((i) => i.callIndex < callIndex && i.names.includes(pkg))) return true;
  // One fold per kept package name (a handful, from the reviewed table), not a rescan per install.
  return anyBefore(model, instr, `ds004-installed\u0000${pkg}`, 'same', (i) => installs.get(i)?.some((x) => x.names.includes(pkg)) ?? false);
}

export function recommendsPlan(model: Model, instr: Instr, call: Call, callIndex: number, options: LintOptions): RecommendsPlan {
  const pkgs = positionals(call, APT_VALUE_OPTS).slice(1);
  const est = installEstimate(model, options, call);
  const names = pkgNames(pkgs, instr.env);
  const dynamic = names.some((n) => n.includes('$') || n === '' || n.startsWith('.') || n.startsWith('/'));
  const verdict = recommendsToKeep(
    names.filter((n) => !n.includes('$')),
    stageUsage(model, instr),
    est && recommendsSource(est),
  );
  const keep = verdict.keep.filter((p) => !installedBefore(model, instr, callIndex, p));
  const saved = est && !dynamic ? savings(est, keep) : undefined;
  return {
    pkgs,
    keep,
    ...(dynamic ? { unsure: 'packages in a variable' } : verdict.unsure ? { unsure: verdict.unsure } : {}),
    ...(verdict.note ? { note: verdict.note } : {}),
    ...(saved ? { saved } : {}),
    ...(saved && saved.packages === 0 && est && est.dropped.some((d) => !keep.includes(d.name)) ? { removedAgain: true } : {}),
  };
}

/** "keeping ca-certificates" or '' — the same words wherever the saving is shown. */
export function keptWords(keep: readonly string[]): string {
  return keep.length ? `keeping ${keep.join(' ')}` : '';
}

/** DS004's saving for a whole RUN (every install call without the flag), with what it keeps: for `estimate` and the hover. */
export function runFlagSavings(
  model: Model,
  run: RunEstimate,
  options: LintOptions,
): { bytes: number; keep: string[]; dropped: Array<{ name: string; bytes: number }> } | undefined {
  let bytes = 0;
  const keep = new Set<string>();
  const dropped: Array<{ name: string; bytes: number }> = [];
  for (const i of run.installs) {
    if (!i.recommends) continue;
    const plan = recommendsPlan(model, run.instr, i.op.call, i.op.callIndex, options);
    if (!plan.saved) return undefined;
    bytes += plan.saved.bytes;
    for (const k of plan.keep) keep.add(k);
    dropped.push(...plan.saved.dropped);
  }
  return { bytes, keep: [...keep].sort(), dropped: dropped.sort((a, b) => b.bytes - a.bytes) };
}

/**
 * The one sentence `estimate` and the hover use for a RUN's flag saving, in DS004's words: "`--no-install-recommends`,
 * keeping ca-certificates, would save ≈1.1 MB (4 packages: openssl, …)"; '' when it saves nothing or cannot be told.
 */
export function flagSavingsText(model: Model, run: RunEstimate, options: LintOptions): string {
  const s = runFlagSavings(model, run, options);
  if (!s || s.dropped.length === 0) return '';
  const names = s.dropped.map((p) => p.name);
  const kept = keptWords(s.keep);
  return `\`--no-install-recommends\`${kept ? `, ${kept},` : ''} would save ≈${formatBytes(s.bytes)} (${packagesWord(names.length)}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`;
}

/** What qualifies a RUN's figure: removals of the same RUN, a slim base (an upper bound). */
export function estimateQualifiers(run: RunEstimate): string[] {
  const out: string[] = [];
  if (run.removed > 0) out.push(`${packagesWord(run.removed)} removed again in the same RUN`);
  if (run.slim) out.push('upper bound: a slim base skips docs, man pages and locales');
  return out;
}
