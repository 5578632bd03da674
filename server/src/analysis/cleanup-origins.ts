/** What a cleanup RUN removes and which earlier instructions created it (DS002's analysis; DS001 reads cleanupOrigins too). */
import { MAX_MERGE_RUNS, type MergeWorkdir } from '../kernel/edits.js';
import { expand, type Instr, type Model, type Stage } from '../kernel/model.js';
import { releaseOfImage } from '../../../common/src/package-index/release.js';
import { runCreations } from './layer-contents/downloads.js';
import { viewMap, type RunView } from './run-views.js';
import { copyCreations, deletedInSameRun, deletes, deletionsByCall, pragmaBetween, stageChain, type Created } from './layer-contents/contents.js';
import { PathIndex } from '../kernel/path-index.js';
import { positionIn } from '../kernel/stage-index.js';
import { reviewedRecommends } from './package-managers/recommends.js';
import { hasFlag } from '../kernel/commands.js';
import { installedNames, isInstall, isRemoval, opAt, pkgOps, removedLater, removedNames, type PkgOp } from './package-managers/operations.js';

export interface Origin {
  instr: Instr;
  what: string;
}

/**
 * The instructions from the creator RUN to the cleaner in one stage, when few enough to merge and no ignore pragma
 * sits between them (a merge would move it away from its instruction).
 */
function mergeSpan(model: Model, creator: Instr, cleaner: Instr): { slice: Instr[]; stage: Stage } | null {
  const stage = cleaner.stage;
  if (!stage || creator.stage !== stage || creator.keyword !== 'RUN') return null;
  const a = positionIn(stage, creator);
  const b = positionIn(stage, cleaner);
  if (a < 0 || b <= a || b - a >= MAX_MERGE_RUNS) return null;
  const slice = stage.instrs.slice(a, b + 1);
  if (slice.some((i, k) => k > 0 && pragmaBetween(model, slice[k - 1] as Instr, i))) return null;
  return { slice, stage };
}

/** The creator RUNs up to the cleaner, when only RUNs (and comments) sit between them in one stage. */
export function runsBetween(model: Model, creator: Instr, cleaner: Instr): Instr[] | null {
  const slice = mergeSpan(model, creator, cleaner)?.slice;
  if (!slice) return null;
  return slice.every((i) => i.keyword === 'RUN' && i.onbuild === cleaner.onbuild) ? slice : null;
}

/**
 * Like `runsBetween`, and a WORKDIR between the RUNs may be crossed (`mkdir -p <dir> && cd <dir>` in the merged RUN,
 * the WORKDIR written again after it): only a one-line absolute literal path, in a stage that runs as root (no USER
 * in it or the stages it is built FROM, on a base image of a known distribution release, which runs as root).
 */
export function runsAcross(model: Model, creator: Instr, cleaner: Instr): { runs: Instr[]; workdirs: MergeWorkdir[] } | null {
  const span = mergeSpan(model, creator, cleaner);
  if (!span) return null;
  const { slice, stage } = span;
  const runs: Instr[] = [];
  const workdirs: MergeWorkdir[] = [];
  for (const i of slice) {
    if (i.onbuild !== cleaner.onbuild) return null;
    if (i.keyword === 'RUN') runs.push(i);
    else if (i.keyword === 'WORKDIR' && i.line === i.endLine) {
      const dir = expand(i.args.trim(), i.env);
      if (!/^\/[A-Za-z0-9._/+-]*$/.test(dir)) return null;
      workdirs.push({ instr: i, dir });
    } else return null;
  }
  if (workdirs.length && !runsAsRoot(stage, cleaner)) return null;
  return { runs, workdirs };
}

/** Does the stage run as root up to `before`: no USER but root in it or its ancestors, on a known distribution base? */
function runsAsRoot(stage: Stage, before: Instr): boolean {
  let root: Stage = stage;
  for (const s of stageChain(stage, 64)) {
    root = s;
    for (const i of s.instrs) {
      if (s === stage && i.start >= before.start) break;
      if (i.keyword === 'USER' && !/^(root|0)(:(root|0))?$/.test(i.args.trim())) return false;
    }
  }
  return releaseOfImage(root.imageExpanded) !== undefined;
}

/** Everything earlier layers of the stage (and its FROM ancestors) created: paths and package installs. */
interface Install {
  op: PkgOp;
  /** Names still installed when its RUN ends. */
  names: string[];
}

interface Left {
  paths: Created[];
  installs: Install[];
}

const leftCache = new WeakMap<Instr, Left>();

/** What one instruction leaves in its layer (computed once per instruction). */
function leftBy(model: Model, ins: Instr, view: RunView | undefined): Left {
  let left = leftCache.get(ins);
  if (left) return left;
  left = { paths: [], installs: [] };
  if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.onbuild) left.paths.push(...copyCreations(ins));
  if (view) {
    left.paths.push(...runCreations(view).filter((c) => !deletedInSameRun(model, c, view)));
    const ops = pkgOps(view);
    for (const o of ops) {
      if (!isInstall(o)) continue;
      // Installed and removed in the same RUN: nothing left over (an apk virtual name takes its packages along).
      if (o.virtual && removedLater(ops, o.manager, o.virtual, ins.env, o.callIndex)) continue;
      const named = installedNames(o, ins.env);
      // Without --no-install-recommends apt installs the recommended packages too (reviewed table): a later purge
      // of one removes bytes of this layer as much as when it is named (DS004's fix names the ones it keeps).
      const recs = o.manager === 'apt' && !hasFlag(o.call, ['no-install-recommends']) ? named.flatMap((n) => reviewedRecommends(n) ?? []) : [];
      const names = [...new Set([...named, ...recs])].filter((n) => !removedLater(ops, o.manager, n, ins.env, o.callIndex));
      if (names.length > 0) left.installs.push({ op: o, names });
    }
  }
  leftCache.set(ins, left);
  return left;
}

/** What each stage's instructions left, indexed for "nearest earlier" queries (built once per stage). */
interface StageLeft {
  paths: PathIndex<Created>;
  /** Items added before each instruction of the stage (by position), for the query limit. */
  pathsBefore: Map<Instr, number>;
  /** Per package: installs, and removals by a later RUN (`install: null`), in order. */
  installs: Map<string, { at: number; install: Install | null }[]>;
}

const stageLeft = new WeakMap<Stage, Map<boolean, StageLeft>>();

function leftOfStage(model: Model, stage: Stage, onbuild: boolean, views: ReadonlyMap<Instr, RunView>): StageLeft {
  let byFlag = stageLeft.get(stage);
  if (!byFlag) stageLeft.set(stage, (byFlag = new Map()));
  let s = byFlag.get(onbuild);
  if (s) return s;
  s = { paths: new PathIndex<Created>(), pathsBefore: new Map(), installs: new Map() };
  stage.instrs.forEach((ins, at) => {
    const st = s as StageLeft;
    st.pathsBefore.set(ins, st.paths.items.length);
    if (ins.onbuild !== onbuild) return;
    const left = leftBy(model, ins, views.get(ins));
    for (const p of left.paths) st.paths.add(p);
    const view = views.get(ins);
    for (const o of view ? pkgOps(view).filter(isRemoval) : []) {
      for (const n of removedNames(o, ins.env)) {
        const k = `${o.manager}\u0000${n}`;
        if (left.installs.some((i) => i.op.manager === o.manager && i.names.includes(n))) continue;
        st.installs.set(k, [...(st.installs.get(k) ?? []), { at, install: null }]);
      }
    }
    for (const i of left.installs) {
      for (const n of i.names) {
        const k = `${i.op.manager}\u0000${n}`;
        const list = st.installs.get(k) ?? [];
        if (list[list.length - 1]?.install !== i) list.push({ at, install: i });
        st.installs.set(k, list);
      }
    }
  });
  byFlag.set(onbuild, s);
  return s;
}

/**
 * Ancestor stages searched for what a cleanup removes: the nearest ones. Walking every ancestor for every cleanup
 * made a long FROM chain quadratic (issue 27: 7.9 s at 128 KB); real files have a handful of stages.
 */
export const MAX_ORIGIN_STAGES = 32;

/** The earlier stages' states, nearest first: the cleaner's own stage (up to it), then its FROM ancestors. */
function chainLeft(model: Model, cleaner: Instr, views: ReadonlyMap<Instr, RunView>): { left: StageLeft; limit: number; at: number }[] {
  return stageChain(cleaner.stage, MAX_ORIGIN_STAGES).map((stage) => {
    const left = leftOfStage(model, stage, cleaner.onbuild, views);
    const own = stage === cleaner.stage;
    return { left, limit: own ? (left.pathsBefore.get(cleaner) ?? 0) : Infinity, at: own ? positionIn(stage, cleaner) : Infinity };
  });
}

/** Where the things a cleanup call removes came from (nearest earlier creation per target). */
export function origins(model: Model, view: RunView, idx: number, deletions: Map<number, string[]>, views: ReadonlyMap<Instr, RunView>): Origin[] {
  const out: Origin[] = [];
  const chain = chainLeft(model, view.instr, views);
  for (const target of deletions.get(idx) ?? []) {
    let c: Created | undefined;
    for (const { left, limit } of chain) if ((c = left.paths.nearest(target, limit, deletes))) break;
    const how = c?.how === 'copy' ? 'copied' : c?.how === 'clone' ? 'cloned' : c?.how === 'unpack' ? 'unpacked' : 'downloaded';
    if (c && !out.some((o) => o.what === `${target} (${how}`)) out.push({ instr: c.instr, what: `${target} (${how}` });
  }
  const op = opAt(view, idx);
  if (op && isRemoval(op)) {
    for (const name of removedNames(op, view.instr.env)) {
      let inst: Install | undefined;
      for (const { left, at } of chain) {
        const list = left.installs.get(`${op.manager}\u0000${name}`) ?? [];
        let k = list.length - 1;
        while (k >= 0 && (list[k]?.at ?? Infinity) >= at) k--;
        if (k < 0) continue;
        if (!list[k]?.install) break; // removed by an earlier RUN: nothing of it is left to blame
        // Installed again while already there adds nothing: the bytes are in the first of those layers.
        while (k > 0 && list[k - 1]?.install) k--;
        inst = list[k]?.install ?? undefined;
        break;
      }
      if (inst) out.push({ instr: inst.op.view.instr, what: `${name} (installed` });
    }
  }
  return out;
}

/**
 * The instructions that created what this RUN deletes or uninstalls (empty when it deletes things of unknown
 * origin), or null when the RUN cleans nothing up.
 */
export function cleanupOrigins(model: Model, instr: Instr): Instr[] | null {
  const views = viewMap(model);
  const view = views.get(instr);
  if (!view) return null;
  const deletions = deletionsByCall(view);
  const removalIdx = pkgOps(view)
    .filter(isRemoval)
    .map((o) => o.callIndex);
  if (deletions.size === 0 && removalIdx.length === 0) return null;
  const idxs = new Set([...deletions.keys(), ...removalIdx]);
  return [...new Set([...idxs].flatMap((idx) => origins(model, view, idx, deletions, views).map((o) => o.instr)))];
}
