/**
 * Per-stage indexes for the layer rules (DS013, DS014, DS015), built once per stage so that a
 * question about "later RUNs" or "earlier COPYs" does not rescan the stage for every command
 * (issue 17: those rescans made hostile single-stage files take minutes).
 */
import { normPath, removes } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { PathIndex, SCAN_CAP } from '../../kernel/path-index.js';
import { positionIn } from '../../kernel/stage-index.js';
import { runViews, stageRunViews, type RunView } from '../run-views.js';
import { copyCreations, deletes, deletionsByCall, stageChain, type Created } from './contents.js';
import { isRemoval, pkgOps, removedNames } from '../package-managers/operations.js';

/** The stage's RUNs strictly between two of its instructions, or null when there are more than `max`. */
export function runsStrictlyBetween(model: Model, stage: Stage, a: Instr, b: Instr, max: number): RunView[] | null {
  const runs = stageRunViews(model, stage);
  const pa = positionIn(stage, a);
  const pb = positionIn(stage, b);
  const first = lowerBound(runs, (v) => positionIn(stage, v.instr) > pa);
  const out: RunView[] = [];
  for (let k = first; k < runs.length && positionIn(stage, (runs[k] as RunView).instr) < pb; k++) {
    if (out.length >= max) return null;
    out.push(runs[k] as RunView);
  }
  return out;
}

function lowerBound<T>(list: readonly T[], after: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(list[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Deletions {
  /** Normalised plain target (as `removes` reads it) → last position in the stage that deletes it. */
  plain: Map<string, number>;
  /** Strict ancestor of a normalised plain target → last position (a directory creation containing the target). */
  inside: Map<string, number>;
  /** Glob targets with their positions, in order. */
  globs: { at: number; target: string }[];
}

const deletionIndex = new WeakMap<Stage, Deletions>();

function deletionsOf(model: Model, stage: Stage): Deletions {
  let d = deletionIndex.get(stage);
  if (d) return d;
  d = { plain: new Map(), inside: new Map(), globs: [] };
  for (const v of stageRunViews(model, stage)) {
    const at = positionIn(stage, v.instr);
    for (const targets of deletionsByCall(v).values()) {
      for (const target of targets) {
        if (/[*?[]/.test(target)) {
          d.globs.push({ at, target });
          continue;
        }
        const n = normPath(target);
        d.plain.set(n, at);
        if (!n.startsWith('/')) continue;
        for (let i = n.indexOf('/', 1); i > 0; i = n.indexOf('/', i + 1)) d.inside.set(n.slice(0, i), at);
        if (n !== '/') d.inside.set('/', at);
      }
    }
  }
  deletionIndex.set(stage, d);
  return d;
}

/** Is `created` deleted (in the sense of `deletes`) by a RUN after its instruction in the same stage? */
export function deletedByLaterRun(model: Model, created: Created): boolean {
  const stage = created.instr.stage;
  if (!stage) return false;
  const d = deletionsOf(model, stage);
  const k = positionIn(stage, created.instr);
  const p = normPath(created.path);
  // removes(target, path): the target is the path or one of its ancestors.
  const keys = [p];
  if (p.startsWith('/') && p !== '/') {
    keys.push('/');
    for (let i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) keys.push(p.slice(0, i));
  }
  for (const key of keys) if ((d.plain.get(key) ?? -1) > k && removes(key, created.path)) return true;
  // A directory creation that a target lies inside.
  if (created.dir && (d.inside.get(created.path) ?? -1) > k) return true;
  let tested = 0;
  for (let g = d.globs.length - 1; g >= 0 && tested < SCAN_CAP; g--, tested++) {
    const e = d.globs[g] as { at: number; target: string };
    if (e.at <= k) break;
    if (deletes(e.target, created)) return true;
  }
  return false;
}

const copyIndexes = new WeakMap<Stage, { index: PathIndex<Created>; before: Map<Instr, number> }>();

/**
 * Creations of the stage's COPY/ADD instructions (not ONBUILD) before `instr` whose path is `target`
 * or (when `below`) lies below it as `removes` sees it, in order; at most `max` + 1 of them (the caller gives up past `max`).
 */
export function copiesWithin(stage: Stage, instr: Instr, target: string, below: boolean, max: number): Created[] {
  let c = copyIndexes.get(stage);
  if (!c) {
    c = { index: new PathIndex<Created>(), before: new Map() };
    for (const i of stage.instrs) {
      c.before.set(i, c.index.items.length);
      if ((i.keyword === 'COPY' || i.keyword === 'ADD') && !i.onbuild) for (const x of copyCreations(i)) c.index.add(x);
    }
    copyIndexes.set(stage, c);
  }
  const key = below && target.endsWith('/*') ? target.slice(0, -2) || '/' : target;
  return c.index.within(key, c.before.get(instr) ?? 0, max + 1, !below);
}

/** RUNs that remove packages, by `manager\0name`, in document order (built once per model). */
const removals = new WeakMap<Model, Map<string, RunView[]>>();

/** Is package `name` removed by a RUN after `view` that builds on `view`'s stage (same ONBUILD-ness)? */
export function removedByLaterRun(model: Model, view: RunView, manager: string, name: string): boolean {
  let m = removals.get(model);
  if (!m) {
    m = new Map();
    for (const v of runViews(model)) {
      for (const o of pkgOps(v)) {
        if (!isRemoval(o)) continue;
        for (const n of removedNames(o, v.instr.env)) {
          const list = m.get(`${o.manager}\u0000${n}`) ?? [];
          if (list[list.length - 1] !== v) list.push(v);
          m.set(`${o.manager}\u0000${n}`, list);
        }
      }
    }
    removals.set(model, m);
  }
  const list = m.get(`${manager}\u0000${name}`) ?? [];
  let tested = 0;
  for (let k = list.length - 1; k >= 0 && tested < SCAN_CAP; k--, tested++) {
    const v = list[k] as RunView;
    if (v.instr.start <= view.instr.start) break;
    if (v.instr.onbuild === view.instr.onbuild && stageChain(v.instr.stage).includes(view.instr.stage as Stage)) return true;
  }
  return false;
}
