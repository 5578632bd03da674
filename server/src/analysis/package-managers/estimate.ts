/**
 * Size estimates before a build: every RUN that installs Debian/Ubuntu packages, resolved
 * against the release's index on top of the base image and everything earlier RUNs of the
 * stage chain installed. Pure: indexes come from `lookup` (a cache), nothing is fetched here.
 */
import { hasFlag, type Call } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { runViews } from '../run-views.js';
import { pkgNames, pkgOps, type PkgOp } from './operations.js';
import { baseSet } from '../../../../common/src/package-index/base-set.js';
import { releaseOfImage, type BaseRelease } from '../../../../common/src/package-index/release.js';
import { resolveInstall, type ResolveResult } from '../../../../common/src/package-index/resolve.js';
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
}

export interface RunEstimate {
  instr: Instr;
  /** 1-based line of the RUN. */
  line: number;
  release: string;
  bytes: number;
  packages: number;
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

/** The package names an install call asks for, or undefined when one is not a plain name. */
function requested(op: PkgOp, env: ReadonlyMap<string, string>): string[] | undefined {
  const names: string[] = [];
  for (const w of pkgNames(op.pkgs, env)) {
    const n = w.toLowerCase();
    if (!/^[a-z0-9][a-z0-9+.-]*$/.test(n)) return undefined; // $VAR, globs, ./local.deb, /path
    names.push(n);
  }
  return names.length ? names : undefined;
}

function estimateStage(stage: Stage, model: Model, index: PackageIndex, base: BaseRelease, out: RunEstimate[]): void {
  let installed: ReadonlySet<string> = baseSet(index, base.flavour);
  let configuredOff = false;
  const views = runViews(model);
  for (const s of chainOf(stage)) {
    for (const instr of s.instrs) {
      if (instr.onbuild) continue;
      const text = model.text.slice(instr.start, instr.end);
      const view = instr.run ? views.find((v) => v.instr === instr) : undefined;
      if (view) {
        const installs: InstallEstimate[] = [];
        let known = true;
        for (const op of pkgOps(view)) {
          if (op.manager !== 'apt' || op.sub.value !== 'install') continue;
          const names = requested(op, instr.env);
          if (!names) {
            known = false;
            continue;
          }
          const recOff = recommendsOff(op.call, configuredOff);
          const withRec = resolveInstall(index, { packages: names, recommends: true }, installed);
          const without = resolveInstall(index, { packages: names, recommends: false }, installed);
          const actual = recOff ? without : withRec;
          if (actual.unknown.length) known = false;
          const kept = new Set(without.added.map((p) => p.name));
          installs.push({
            op,
            packages: names,
            recommends: !recOff,
            bytes: installLayerBytes(actual.added),
            added: layerSizes(actual),
            withRecommendsBytes: installLayerBytes(withRec.added),
            withoutRecommendsBytes: installLayerBytes(without.added),
            dropped: layerSizes(withRec).filter((p) => !kept.has(p.name)),
            index,
            before: installed,
          });
          installed = actual.installed;
        }
        if (installs.length && known && s === stage) {
          const sum = (f: (i: InstallEstimate) => number): number => installs.reduce((a, i) => a + f(i), 0);
          const added = installs.flatMap((i) => i.added).sort((a, b) => b.bytes - a.bytes);
          out.push({
            instr,
            line: instr.line + 1,
            release: base.release,
            bytes: sum((i) => i.bytes),
            packages: added.length,
            withRecommendsBytes: sum((i) => i.withRecommendsBytes),
            withoutRecommendsBytes: sum((i) => i.withoutRecommendsBytes),
            dropped: installs.flatMap((i) => i.dropped).sort((a, b) => b.bytes - a.bytes),
            added,
            installs,
            final: stage.final,
          });
        }
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
