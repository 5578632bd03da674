/**
 * DS014's apt fix: install, build and purge in one RUN. `apt-get purge -y --auto-remove <build packages>` at the end
 * of the RUN that builds, after `apt-mark manual <runtime libraries>` so the libraries the program loads (the `-dev`
 * packages' run-time halves: libssl-dev → libssl3) survive the auto-remove.
 */
import type { PackageIndex } from '../../../../common/src/package-index/types.js';
import { releaseOfImage } from '../../../../common/src/package-index/release.js';
import { positionals, type Call } from '../../kernel/commands.js';
import { appendCommand, mergeRuns, type MergeWorkdir } from '../../kernel/edits.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import type { Edit, Fix, LintOptions } from '../../kernel/types.js';
import { viewMap, type RunView } from '../run-views.js';
import { runsAcross } from '../cleanup-origins.js';
import type { PkgOp } from './operations.js';
import { aptInstalls } from './recommends-plan.js';
import { gccRuntimeLibs, runtimeLibs } from './runtime-libs.js';
import { stageChain } from '../layer-contents/contents.js';
import { stageUsage } from './stage-usage.js';

/** Programs the build packages provide; a later use of any of them keeps the toolchain. */
const TOOLS =
  /^(gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|make|gmake|cmake|ninja|meson|ld|as|ar|autoconf|automake|autoreconf|libtool|pkg-config|pkgconf|bison|flex|gfortran|(gcc|g\+\+|cpp)-[0-9.]+)$/;

/** Does the call build something (the reason the toolchain was installed)? */
function builds(call: Call): boolean {
  const first = positionals(call)[0]?.value ?? '';
  if (TOOLS.test(call.name) || /^\.?\/?configure$/.test(call.nameWord.value)) return true;
  if (/^pip[0-9.]*$/.test(call.name) && ['install', 'wheel'].includes(first)) return true;
  if (/^python[0-9.]*$/.test(call.name) && call.args.some((w) => /setup\.py$/.test(w.value) || w.value === 'pip')) return true;
  if (['npm', 'yarn', 'pnpm'].includes(call.name)) return true;
  if (call.name === 'go' && /^(build|install)$/.test(first)) return true;
  return call.name === 'cargo' || call.name === 'gem' || call.name === 'bundle';
}

function rootStage(stage: Stage | null): Stage | null {
  let s = stage;
  for (let guard = 0; s?.parent && guard < 64; guard++) s = s.parent;
  return s;
}

/** The first instruction after `instr` in its stage, if any. */
function nextInStage(instr: Instr): Instr | undefined {
  const list = instr.stage?.instrs ?? [];
  const at = list.indexOf(instr);
  return at >= 0 ? list[at + 1] : undefined;
}

/** Does anything after this RUN (its stage, stages built FROM it, the image's CMD/ENTRYPOINT) compile or call a tool? */
function usedLater(model: Model, instr: Instr): boolean {
  const next = nextInStage(instr);
  // The RUN is the stage's last instruction: stageUsage would include it; be conservative.
  if (!next) return true;
  const u = stageUsage(model, next);
  if (u.compile || u.pipBuild || u.npmInstall || u.cgo) return true;
  return ['gcc', 'g++', 'cc', 'c++', 'make', 'cmake', 'clang', 'ld', 'pkg-config', 'autoreconf', 'node-gyp'].some((c) => u.commands.has(c));
}

/** apt packages an earlier RUN of this stage or a stage it is built FROM installed: their bytes are in that layer. */
function installedEarlier(model: Model, instr: Instr): Set<string> {
  const chain = new Set<Stage | null>(stageChain(instr.stage, 64));
  const out = new Set<string>();
  for (const [i, installs] of aptInstalls(model)) {
    if (!chain.has(i.stage) || (i.stage === instr.stage && i.start >= instr.start)) continue;
    for (const { names } of installs) for (const n of names) out.add(n);
  }
  return out;
}

/** At most this many RUNs after the install are looked at for the build a cross-RUN purge merges in. */
const MAX_BUILD_RUNS = 8;

/**
 * The install RUN and the RUNs right after it up to the last that builds, when the install RUN itself builds nothing:
 * only RUNs between (and a WORKDIR `runsAcross` can cross; no COPY, ENV…, no suppression comment, one shell form), so
 * merging them changes nothing but the layers. Null when none of them builds.
 */
function buildRuns(model: Model, instr: Instr): { runs: Instr[]; workdirs: MergeWorkdir[] } | null {
  const list = instr.stage?.instrs ?? [];
  const at = list.indexOf(instr);
  let lastBuild = -1;
  for (let k = at + 1; k < list.length && k <= at + MAX_BUILD_RUNS; k++) {
    const i = list[k] as Instr;
    if (i.keyword === 'WORKDIR') continue; // runsAcross decides whether it can be crossed
    if (i.keyword !== 'RUN' || i.run?.form !== 'shell') break;
    const v = viewMap(model).get(i);
    if (v?.calls.some(builds)) lastBuild = k;
  }
  return lastBuild < 0 ? null : runsAcross(model, instr, list[lastBuild] as Instr);
}

/** The merge's edits plus the append at the end of the last RUN (one edit where both insert at the same point). */
function withMerge(merge: Edit[] | null, append: Edit): Edit[] | null {
  if (!merge) return null;
  const same = merge.find((e) => e.start === append.start && e.end === append.end && e.start === e.end);
  if (!same) return [...merge, append];
  return merge.map((e) => (e === same ? { ...e, text: e.text + append.text } : e));
}

/** How a stage's packages map to what a built program loads: its release and the cached index, looked up once. */
export interface RuntimeLibLookup {
  /** The runtime libraries of a `-dev` package (index, else the tables); undefined when neither knows it. */
  libsOf(dev: string): readonly string[] | undefined;
  /** gcc's runtime libraries to keep when these packages (a GCC compiler among them) go. */
  gccLibs(packages: readonly string[]): string[];
}

export function runtimeLibLookup(options: LintOptions, stage: Stage | null): RuntimeLibLookup {
  const base = releaseOfImage(rootStage(stage)?.imageExpanded ?? '');
  const index: PackageIndex | undefined = base ? options.packages?.lookup(base) : undefined;
  return {
    libsOf: (dev) => runtimeLibs(dev, base?.release, index),
    gccLibs: (packages) => gccRuntimeLibs(packages, base?.release),
  };
}

/**
 * What a purge of `build` must mark manual first so the program still loads its libraries: the `-dev` packages'
 * runtime halves (index, else the reviewed table) and gcc's runtime libraries; `unknown` lists the `-dev` packages
 * neither knows.
 */
export function runtimeKeep(options: LintOptions, instr: Instr, build: readonly string[]): { keep: Set<string>; unknown: string[] } {
  const lookup = runtimeLibLookup(options, instr.stage);
  const keep = new Set<string>();
  const unknown: string[] = [];
  for (const name of build) {
    if (!/-(dev|devel)$/.test(name)) continue;
    const libs = lookup.libsOf(name);
    if (libs === undefined) unknown.push(name);
    else for (const l of libs) keep.add(l);
  }
  // gcc's runtime libraries (libgomp1, libatomic1): whether the program links them is unknown, so they stay.
  for (const l of lookup.gccLibs(build)) keep.add(l);
  return { keep, unknown };
}

/**
 * `apt-mark manual <libs> && apt-get purge -y --auto-remove <build>` at the end of the RUN, or undefined when the RUN
 * does not build after the install (the build is elsewhere), cannot take an appended command, or the packages stay
 * needed. Safe when nothing later uses the toolchain and every `-dev` package's runtime libraries are known.
 */
export function purgeBuildDepsFix(model: Model, options: LintOptions, view: RunView, op: PkgOp, all: readonly string[]): Fix | undefined {
  const { instr, run } = view;
  // A build package an earlier layer installed stays in that layer: purging it here saves nothing (DS002's finding),
  // and purging only the others would leave this finding. No fix then (a multi-stage build is the way out).
  const before = installedEarlier(model, instr);
  if (all.some((n) => before.has(n))) return undefined;
  const build = all;
  const cmd = op.call.cmd;
  if (run.form !== 'shell' || run.script.unterminated || cmd.depth > 0 || cmd.condition) return undefined;
  if (![null, '&&', '\n', ';'].includes(cmd.before) || ![null, '&&', '\n', ';'].includes(cmd.after)) return undefined;
  // The build happens in this RUN after the install, or in the RUNs right after it (merged into one); otherwise
  // purging here would break a later RUN.
  const plan = view.calls.slice(op.callIndex + 1).some(builds) ? { runs: [instr], workdirs: [] } : buildRuns(model, instr);
  if (!plan) return undefined;
  const { runs, workdirs } = plan;
  const last = runs[runs.length - 1] as Instr;
  const { keep, unknown } = runtimeKeep(options, instr, build);
  const later = usedLater(model, last);
  const mark = keep.size ? `apt-mark manual ${[...keep].sort().join(' ')} && ` : '';
  const edit = appendCommand(model, last, `${mark}apt-get purge -y --auto-remove ${build.join(' ')}`);
  if (!edit) return undefined;
  const edits = runs.length > 1 ? withMerge(mergeRuns(model, runs, true, workdirs), edit) : [edit];
  if (!edits) return undefined;
  const why = later
    ? 'a later instruction may still compile or run these tools'
    : unknown.length
      ? `cannot tell which libraries ${unknown.join(', ')} leave${unknown.length > 1 ? '' : 's'} for run time`
      : '';
  const kept = keep.size ? `, keeping ${[...keep].sort().join(', ')}` : '';
  const where = runs.length > 1 ? `: merge the RUNs from line ${instr.line + 1} to ${last.line + 1} and purge at the end` : ' at the end of this RUN';
  return {
    title: `Purge ${build.join(', ')} with --auto-remove${where}${kept}`,
    safe: !later && unknown.length === 0,
    ...(why ? { unsafeReason: why } : {}),
    edits,
  };
}
