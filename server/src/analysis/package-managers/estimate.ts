/**
 * Size estimates before a build: every RUN that installs Debian/Ubuntu packages, resolved
 * against the release's index on top of the base image and everything earlier RUNs of the
 * stage chain installed. Pure: indexes come from `lookup` (a cache), nothing is fetched here.
 */
import { hasFlag, type Call } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { runViews } from '../run-views.js';
import { pkgOps, type PkgOp } from './operations.js';
import { baseSet } from '../../../../common/src/package-index/base-set.js';
import { releaseOfImage, type BaseRelease } from '../../../../common/src/package-index/release.js';
import { resolveInstall, type ResolveResult } from '../../../../common/src/package-index/resolve.js';
import { simulateRun, type AptState } from './run-simulation.js';
import { installLayerBytes, packageLayerBytes } from '../../../../common/src/package-index/layer-size.js';
import type { PackageIndex } from '../../../../common/src/package-index/types.js';

export interface InstallEstimate {
  /** The install call (for hovers and DS004). */
  op: PkgOp;
  packages: string[];
  recommends: boolean;
  bytes: number;
  added: Array<{ name: string; bytes: number }>;
  withRecommendsBytes: number;
  withoutRecommendsBytes: number;
  /** What `--no-install-recommends` drops (biggest first), with their sizes. */
  dropped: Array<{ name: string; bytes: number }>;
  /** The index and what was installed before this call (to resolve variants of it). */
  index: PackageIndex;
  before: ReadonlySet<string>;
  /** The whole RUN, to replay it with this call changed (DS004's saving, removals included). */
  run: RunContext;
}

export interface RunContext {
  index: PackageIndex;
  ops: readonly PkgOp[];
  env: ReadonlyMap<string, string>;
  start: AptState;
  recommends: (op: PkgOp) => boolean;
}

export interface RunEstimate {
  instr: Instr;
  /** 1-based line of the RUN. */
  line: number;
  release: string;
  /** A slim base (dpkg skips docs, man pages and locales): the figures are upper bounds. */
  slim: boolean;
  /** The layer: packages the RUN adds and still has at its end (removals of the same RUN counted). */
  bytes: number;
  packages: number;
  /** Packages the RUN installs and removes again (`purge --auto-remove`, `autoremove`). */
  removed: number;
  withRecommendsBytes: number;
  withoutRecommendsBytes: number;
  dropped: Array<{ name: string; bytes: number }>;
  /** Biggest packages the RUN adds. */
  added: Array<{ name: string; bytes: number }>;
  installs: InstallEstimate[];
  final: boolean;
}

export interface ModelEstimates {
  runs: RunEstimate[];
  /** Releases the file needs whose index the lookup did not have. */
  missing: BaseRelease[];
}

const NO_REC = /^(?:-o|--option=)?APT::Install-Recommends=(?:0|no|false|off|without|disable)$/i;
const CONF_NO_REC = /apt\.conf[\s\S]*Install-Recommends\W{0,4}(?:0|no|false|off)\b|Install-Recommends\W{0,4}(?:0|no|false|off)\b[\s\S]*apt\.conf/i;

/** Does this install call (or earlier configuration) turn recommends off? */
export function recommendsOff(call: Call, configuredOff: boolean): boolean {
  if (configuredOff) return true;
  if (hasFlag(call, ['no-install-recommends'])) return true;
  if (call.name === 'aptitude' && hasFlag(call, ['without-recommends'], ['R'])) return true;
  return call.args.some((w) => NO_REC.test(w.value) || /^--install-recommends=(?:0|no|false|off)$/i.test(w.value));
}

/** Packages with their estimated share of the layer (installed size plus what their install scripts write). */
function layerSizes(r: ResolveResult): Array<{ name: string; bytes: number }> {
  return r.added.map((p) => ({ name: p.name, bytes: packageLayerBytes(p.name, p.bytes) })).sort((a, b) => b.bytes - a.bytes);
}

function chainOf(stage: Stage | null): Stage[] {
  const out: Stage[] = [];
  for (let s = stage; s; s = s.parent) out.unshift(s);
  return out;
}

function estimateStage(stage: Stage, model: Model, index: PackageIndex, base: BaseRelease, out: RunEstimate[]): void {
  const baseInstalled = baseSet(index, base.flavour);
  let state: AptState = { installed: baseInstalled, manual: baseInstalled };
  let configuredOff = false;
  const views = runViews(model);
  for (const s of chainOf(stage)) {
    for (const instr of s.instrs) {
      if (instr.onbuild) continue;
      const text = model.text.slice(instr.start, instr.end);
      const view = instr.run ? views.find((v) => v.instr === instr) : undefined;
      const ops = view ? pkgOps(view).filter((o) => o.manager === 'apt') : [];
      if (ops.some((o) => o.sub.value === 'install')) {
        const off = configuredOff;
        const run: RunContext = { index, ops, env: instr.env, start: state, recommends: (op) => !recommendsOff(op.call, off) };
        const asWritten = simulateRun(index, ops, instr.env, state, run.recommends);
        const allOn = simulateRun(index, ops, instr.env, state, () => true);
        const allOff = simulateRun(index, ops, instr.env, state, () => false);
        const installs: InstallEstimate[] = asWritten.installs.map((i) => {
          const withRec = resolveInstall(index, { packages: i.packages, recommends: true }, i.before);
          const without = resolveInstall(index, { packages: i.packages, recommends: false }, i.before);
          const kept = new Set(without.added.map((p) => p.name));
          return {
            op: i.op,
            packages: i.packages,
            recommends: i.recommends,
            bytes: installLayerBytes(i.added),
            added: i.added,
            withRecommendsBytes: installLayerBytes(withRec.added),
            withoutRecommendsBytes: installLayerBytes(without.added),
            dropped: layerSizes(withRec).filter((p) => !kept.has(p.name)),
            index,
            before: i.before,
            run,
          };
        });
        if (installs.length && asWritten.known && s === stage) {
          const onKept = new Set(allOff.kept.map((p) => p.name));
          out.push({
            instr,
            line: instr.line + 1,
            release: base.release,
            slim: base.slim === true,
            bytes: asWritten.bytes,
            packages: asWritten.kept.length,
            removed: asWritten.removed,
            withRecommendsBytes: allOn.bytes,
            withoutRecommendsBytes: allOff.bytes,
            dropped: allOn.kept.filter((p) => !onKept.has(p.name)),
            added: asWritten.kept,
            installs,
            final: stage.final,
          });
        }
        state = asWritten.end;
      } else if (ops.length) {
        state = simulateRun(index, ops, instr.env, state, () => false).end; // removals only
      }
      if ((instr.keyword === 'RUN' || instr.keyword === 'COPY' || instr.keyword === 'ADD') && CONF_NO_REC.test(text)) configuredOff = true;
    }
  }
}

/** Estimates for every stage's install RUNs; `lookup` gives a cached index or undefined. */
export function estimateModel(model: Model, lookup: (base: BaseRelease) => PackageIndex | undefined): ModelEstimates {
  const runs: RunEstimate[] = [];
  const missing = new Map<string, BaseRelease>();
  for (const stage of model.stages) {
    const root = chainOf(stage)[0] as Stage;
    const base = releaseOfImage(root.imageExpanded);
    if (!base) continue;
    const hasInstall = stage.instrs.some((i) => i.keyword === 'RUN' && /\bapt(?:-get|itude)?\b[\s\S]*\binstall\b/.test(i.args));
    if (!hasInstall) continue;
    const index = lookup(base);
    if (!index) {
      missing.set(base.release, base);
      continue;
    }
    estimateStage(stage, model, index, base, runs);
  }
  return { runs: runs.sort((a, b) => a.line - b.line), missing: [...missing.values()] };
}
