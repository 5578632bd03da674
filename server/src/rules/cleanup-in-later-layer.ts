import { MAX_MERGE_RUNS, mergeRuns } from '../kernel/edits.js';
import type { Instr, Model, Stage } from '../kernel/model.js';
import type { Fix } from '../kernel/types.js';
import { runCreations } from '../analysis/layers/downloads.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, viewMap, type RunView } from '../analysis/run-views.js';
import { copyCreations, deletedInSameRun, deletes, deletionsByCall, pragmaBetween, stageChain, type Created } from '../analysis/layers/contents.js';
import { PathIndex } from '../kernel/path-index.js';
import { positionIn } from '../kernel/stage-index.js';
import { installedNames, isInstall, isRemoval, opAt, pkgOps, removedLater, removedNames, type PkgOp } from '../analysis/packages/operations.js';

interface Origin {
  instr: Instr;
  what: string;
}

/** The creator RUNs up to the cleaner, when only RUNs (and comments) sit between them in one stage. */
export function runsBetween(model: Model, creator: Instr, cleaner: Instr): Instr[] | null {
  const stage = cleaner.stage;
  if (!stage || creator.stage !== stage || creator.keyword !== 'RUN') return null;
  const a = positionIn(stage, creator);
  const b = positionIn(stage, cleaner);
  if (a < 0 || b <= a || b - a >= MAX_MERGE_RUNS) return null;
  const slice = stage.instrs.slice(a, b + 1);
  if (slice.some((i, k) => k > 0 && pragmaBetween(model, slice[k - 1] as Instr, i))) return null;
  return slice.every((i) => i.keyword === 'RUN' && i.onbuild === cleaner.onbuild) ? slice : null;
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
      const names = installedNames(o, ins.env).filter((n) => !removedLater(ops, o.manager, n, ins.env, o.callIndex));
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
  installs: Map<string, { at: number; install: Install }[]>;
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

/** The earlier stages' states, nearest first: the cleaner's own stage (up to it), then its FROM ancestors. */
function chainLeft(model: Model, cleaner: Instr, views: ReadonlyMap<Instr, RunView>): { left: StageLeft; limit: number; at: number }[] {
  return stageChain(cleaner.stage).map((stage) => {
    const left = leftOfStage(model, stage, cleaner.onbuild, views);
    const own = stage === cleaner.stage;
    return { left, limit: own ? (left.pathsBefore.get(cleaner) ?? 0) : Infinity, at: own ? positionIn(stage, cleaner) : Infinity };
  });
}

/** Where the things a cleanup call removes came from (nearest earlier creation per target). */
function origins(model: Model, view: RunView, idx: number, deletions: Map<number, string[]>, views: ReadonlyMap<Instr, RunView>): Origin[] {
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
        for (let k = list.length - 1; k >= 0 && !inst; k--) if ((list[k]?.at ?? Infinity) < at) inst = list[k]?.install;
        if (inst) break;
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

export default defineRule({
  id: 'DS002',
  name: 'cleanup-in-later-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  docs: {
    summary: 'A later RUN removes what an earlier layer added; the bytes still ship',
    why: 'Layers only add: deleting a file or uninstalling a package in a later RUN hides it but leaves every byte in the earlier layer, and can even make the image bigger (the deletion is a layer of its own).',
    bad: 'RUN apk add --no-cache --virtual .build-deps gcc make\nRUN make -C /src install\nRUN apk del .build-deps',
    good: 'RUN apk add --no-cache --virtual .build-deps gcc make && \\\n    make -C /src install && \\\n    apk del .build-deps',
    notes:
      'Tracks `apk add` (including `--virtual` names) → `apk del`, `apt-get install` → `apt-get purge/remove/autoremove <pkg>`, files downloaded with `wget` (`-O`, `-P` or the URL basename) or `curl -o/-O`, `git clone` directories, and COPY/ADD destinations (relative paths resolved against WORKDIR and `cd`), in the same stage and its FROM ancestors. ' +
      'The fix merges every RUN from the one that created the files to the one that deletes them into one RUN, running RUNs that change shell state (`cd`, `export`) in a subshell so later commands behave as before. There is no fix when another instruction (COPY, ENV, WORKDIR, USER…) sits between them, when the RUNs have different flags, when a suppression comment sits between them, when the files came from an ancestor stage, or when COPY/ADD created them (exclude them with `.dockerignore` or copy less instead). In stages that do not ship the finding is a hint.',
    seeAlso: ['DS001', 'DS013', 'dive (wasted space)'],
  },
  check(ctx) {
    const views = viewMap(ctx.model);
    for (const view of runViews(ctx.model)) {
      const deletions = deletionsByCall(view);
      const removalIdx = pkgOps(view)
        .filter(isRemoval)
        .map((o) => o.callIndex);
      if (deletions.size === 0 && removalIdx.length === 0) continue;
      const idxs = [...new Set([...deletions.keys(), ...removalIdx])].sort((a, b) => a - b);
      for (const idx of idxs) {
        const found = origins(ctx.model, view, idx, deletions, views);
        if (found.length === 0) continue;
        const first = found.reduce((a, b) => (b.instr.start < a.instr.start ? b : a));
        const call = view.calls[idx];
        if (!call) continue;
        const lines = [...new Set(found.map((f) => f.instr.line + 1))].join(', ');
        const whats = found.map((f) => `${f.what} at line ${f.instr.line + 1})`).join(', ');
        const copied = found.some((f) => f.instr.keyword !== 'RUN' && !f.what.includes('(downloaded'));
        const added = found.some((f) => f.instr.keyword !== 'RUN');
        let fix: Fix | undefined;
        const runs = added ? null : runsBetween(ctx.model, first.instr, view.instr);
        const edits = runs ? mergeRuns(ctx.model, runs, true) : null;
        if (edits) fix = { title: `Merge the RUNs from line ${first.instr.line + 1} to ${view.instr.line + 1} into one`, safe: true, edits };
        const advice = copied
          ? 'exclude them with .dockerignore or a narrower COPY'
          : added
            ? 'download, unpack and delete in one RUN instead of ADD'
            : edits
              ? 'do the cleanup in the RUN that added them'
              : 'do the cleanup in the RUN that added them (or use a multi-stage build)';
        ctx.report({
          instr: view.instr,
          ...callRange(view.run, call),
          message: `\`${call.name}\` removes ${whats}: the bytes added at line ${lines} still ship in that layer; ${advice}.`,
          fix,
        });
      }
    }
  },
});
