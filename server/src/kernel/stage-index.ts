/**
 * Per-model indexes that let rules ask "what came before this instruction?" in constant or
 * logarithmic time instead of rescanning the stage (issue 17: a rule that rescans earlier
 * instructions for every RUN is quadratic, and a hostile file of 8,000 RUNs took minutes).
 * Everything is computed at most once per model (or per stage) and cached in WeakMaps.
 */
import type { Instr, Model, Stage } from './model.js';

/**
 * Which earlier instructions count:
 * - `same`: the stage and its FROM ancestors, only instructions with the same ONBUILD-ness (layer-helpers' `earlierInstrs`);
 * - `prior`: the same, but an ONBUILD trigger also sees plain instructions (pkg-helpers' `priorInstrs`).
 */
export type PriorMode = 'same' | 'prior';

const positions = new WeakMap<Stage, Map<Instr, number>>();

/** Index of the instruction in its stage's `instrs` (-1 when it is not there). */
export function positionIn(stage: Stage, instr: Instr): number {
  let m = positions.get(stage);
  if (!m) {
    m = new Map(stage.instrs.map((i, k) => [i, k]));
    positions.set(stage, m);
  }
  return m.get(instr) ?? -1;
}

const preamble = new WeakMap<Model, Map<Instr, number>>();

function preamblePosition(model: Model, instr: Instr): number {
  let m = preamble.get(model);
  if (!m) {
    m = new Map(model.instrs.filter((i) => i.stage === null).map((i, k) => [i, k]));
    preamble.set(model, m);
  }
  return m.get(instr) ?? -1;
}

function counts(mode: PriorMode, instr: Instr, i: Instr): boolean {
  return mode === 'same' ? i.onbuild === instr.onbuild : !i.onbuild || instr.onbuild;
}

interface Fold<T> {
  /** The value of the last matching instruction strictly before each position of the stage. */
  before: (T | undefined)[];
  /** ... and after the whole stage. */
  end: T | undefined;
}

const folds = new WeakMap<Model, Map<string, Map<Stage | null, Fold<unknown>>>>();

function foldOf<T>(model: Model, stage: Stage | null, key: string, fn: (i: Instr) => T | undefined, mode: PriorMode, onbuild: boolean): Fold<T> {
  let byKey = folds.get(model);
  if (!byKey) folds.set(model, (byKey = new Map()));
  const k = `${key}\u0000${mode}\u0000${onbuild}`;
  let byStage = byKey.get(k);
  if (!byStage) byKey.set(k, (byStage = new Map()));
  const hit = byStage.get(stage) as Fold<T> | undefined;
  if (hit) return hit;
  // The preamble (stage null) counts only in `prior` mode, as priorInstrs does.
  const instrs = stage ? stage.instrs : mode === 'prior' ? model.instrs.filter((i) => i.stage === null) : [];
  const probe = { onbuild } as Instr;
  // Ancestors are folded first; parents are always earlier stages, so this recursion ends (iteratively for deep chains).
  const chain: Stage[] = [];
  for (let s = stage?.parent ?? null; s && !byStage.has(s) && !chain.includes(s); s = s.parent) chain.push(s);
  for (const s of chain.reverse()) foldOf(model, s, key, fn, mode, onbuild);
  let last: T | undefined = stage?.parent ? (foldOf(model, stage.parent, key, fn, mode, onbuild).end as T | undefined) : undefined;
  const before: (T | undefined)[] = [];
  for (const i of instrs) {
    before.push(last);
    if (!counts(mode, probe, i)) continue;
    const v = fn(i);
    if (v !== undefined) last = v;
  }
  const fold: Fold<T> = { before, end: last };
  byStage.set(stage, fold);
  return fold;
}

/**
 * The value `fn` gives for the nearest earlier instruction (in `mode`'s sense) where it is not
 * undefined. `key` names `fn` (one key, one function): each is folded once per model.
 */
export function lastBefore<T>(model: Model, instr: Instr, key: string, mode: PriorMode, fn: (i: Instr) => T | undefined): T | undefined {
  const fold = foldOf(model, instr.stage, key, fn, mode, instr.onbuild);
  const at = instr.stage ? positionIn(instr.stage, instr) : preamblePosition(model, instr);
  return at < 0 ? undefined : fold.before[at];
}

/** Does any earlier instruction (in `mode`'s sense) satisfy `pred`? */
export function anyBefore(model: Model, instr: Instr, key: string, mode: PriorMode, pred: (i: Instr) => boolean): boolean {
  return lastBefore(model, instr, key, mode, (i) => (pred(i) ? true : undefined)) === true;
}

/** A fold with a state: `step` gives the state after an instruction from the state before it. */
const states = new WeakMap<Stage, Map<string, Map<Instr, unknown>>>();

/**
 * The state before `instr`, folding `step` over the stage's FROM ancestors and the stage (`same` mode),
 * starting from `initial`. Linear per stage; `key` names `step`.
 */
export function stateBefore<S>(instr: Instr, key: string, initial: S, step: (state: S, i: Instr) => S): S {
  const stage = instr.stage;
  if (!stage) return initial;
  const map = stateMap(stage, `${key}\u0000${instr.onbuild}`, initial, step, instr.onbuild);
  return (map.has(instr) ? map.get(instr) : initial) as S;
}

const END = {} as Instr;

function stateMap<S>(stage: Stage, key: string, initial: S, step: (state: S, i: Instr) => S, onbuild: boolean): Map<Instr, unknown> {
  let byKey = states.get(stage);
  if (!byKey) states.set(stage, (byKey = new Map()));
  let map = byKey.get(key);
  if (map) return map;
  const chain: Stage[] = [];
  for (let s = stage.parent; s && !states.get(s)?.has(key) && !chain.includes(s); s = s.parent) chain.push(s);
  for (const s of chain.reverse()) stateMap(s, key, initial, step, onbuild);
  const parentEnd = stage.parent ? stateMap(stage.parent, key, initial, step, onbuild).get(END) : undefined;
  let cur = (stage.parent ? parentEnd : initial) as S;
  map = new Map();
  for (const i of stage.instrs) {
    map.set(i, cur);
    if (i.onbuild === onbuild) cur = step(cur, i);
  }
  map.set(END, cur);
  byKey.set(key, map);
  return map;
}
