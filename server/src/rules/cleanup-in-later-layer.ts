import { mergeRuns } from '../engine/edits.js';
import type { Instr, Model } from '../engine/model.js';
import type { Fix } from '../engine/types.js';
import { runCreations } from './download-helpers.js';
import { defineRule } from './rule.js';
import { callRange, runViews, type RunView } from './helpers.js';
import { copyCreations, deletedInSameRun, deletes, deletionsByCall, earlierInstrs, pragmaBetween, type Created } from './layer-helpers.js';
import { installedNames, isInstall, isRemoval, pkgOps, removedLater, removedNames, type PkgOp } from './package-ops.js';

interface Origin {
  instr: Instr;
  what: string;
}

/** The creator RUNs up to the cleaner, when only RUNs (and comments) sit between them in one stage. */
export function runsBetween(model: Model, creator: Instr, cleaner: Instr): Instr[] | null {
  const stage = cleaner.stage;
  if (!stage || creator.stage !== stage || creator.keyword !== 'RUN') return null;
  const a = stage.instrs.indexOf(creator);
  const b = stage.instrs.indexOf(cleaner);
  if (a < 0 || b <= a) return null;
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

function earlierState(model: Model, cleaner: Instr, views: ReadonlyMap<Instr, RunView>): Left {
  const paths: Created[] = [];
  const installs: Install[] = [];
  for (const ins of earlierInstrs(cleaner)) {
    const left = leftBy(model, ins, views.get(ins));
    paths.push(...left.paths);
    installs.push(...left.installs);
  }
  return { paths, installs };
}

/** Where the things a cleanup call removes came from (nearest earlier creation per target). */
function origins(view: RunView, idx: number, state: Left, deletions: Map<number, string[]>): Origin[] {
  const out: Origin[] = [];
  for (const target of deletions.get(idx) ?? []) {
    const c = [...state.paths].reverse().find((p) => deletes(target, p));
    const how = c?.how === 'copy' ? 'copied' : c?.how === 'clone' ? 'cloned' : c?.how === 'unpack' ? 'unpacked' : 'downloaded';
    if (c && !out.some((o) => o.what === `${target} (${how}`)) out.push({ instr: c.instr, what: `${target} (${how}` });
  }
  const op = pkgOps(view).find((o) => o.callIndex === idx);
  if (op && isRemoval(op)) {
    for (const name of removedNames(op, view.instr.env)) {
      const inst = [...state.installs].reverse().find((i) => i.op.manager === op.manager && i.names.includes(name));
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
  const view = runViews(model).find((v) => v.instr === instr);
  if (!view) return null;
  const deletions = deletionsByCall(view);
  const removalIdx = pkgOps(view)
    .filter(isRemoval)
    .map((o) => o.callIndex);
  if (deletions.size === 0 && removalIdx.length === 0) return null;
  const state = earlierState(model, instr, new Map(runViews(model).map((v) => [v.instr, v])));
  const idxs = new Set([...deletions.keys(), ...removalIdx]);
  return [...new Set([...idxs].flatMap((idx) => origins(view, idx, state, deletions).map((o) => o.instr)))];
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
    const views = new Map(runViews(ctx.model).map((v) => [v.instr, v]));
    for (const view of runViews(ctx.model)) {
      const deletions = deletionsByCall(view);
      const removalIdx = pkgOps(view)
        .filter(isRemoval)
        .map((o) => o.callIndex);
      if (deletions.size === 0 && removalIdx.length === 0) continue;
      const state = earlierState(ctx.model, view.instr, views);
      if (state.paths.length === 0 && state.installs.length === 0) continue;
      const idxs = [...new Set([...deletions.keys(), ...removalIdx])].sort((a, b) => a - b);
      for (const idx of idxs) {
        const found = origins(view, idx, state, deletions);
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
