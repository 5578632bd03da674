/** Small helpers most rules share: iterate RUNs with their resolved calls, mounts, ranges. */
import { calls, isPosixShell, type Call } from '../kernel/commands.js';
import type { Instr, Model, Stage } from '../kernel/model.js';
import { docEnd, docStart, type RunScript } from '../kernel/run-script.js';

export interface RunView {
  instr: Instr;
  run: RunScript;
  calls: Call[];
}

const cache = new WeakMap<Model, RunView[]>();
const single = new WeakMap<Instr, RunView | null>();

/** The view of one RUN (undefined for other instructions and non-POSIX shells); computed once per instruction. */
export function runViewOf(instr: Instr): RunView | undefined {
  let v = single.get(instr);
  if (v === undefined) {
    const run = instr.keyword === 'RUN' ? instr.run : undefined;
    v = run && (run.form === 'exec' || isPosixShell(instr.shell)) ? { instr, run, calls: calls(run.script.commands, instr.env) } : null;
    single.set(instr, v);
  }
  return v ?? undefined;
}

/** Every RUN (and ONBUILD RUN) with its calls resolved through wrappers; computed once per model. */
export function runViews(model: Model): RunView[] {
  let views = cache.get(model);
  if (!views) {
    views = [];
    for (const instr of model.instrs) {
      const v = runViewOf(instr);
      if (v) views.push(v);
    }
    cache.set(model, views);
  }
  return views;
}

const indexes = new WeakMap<Model, Map<Instr, number>>();

/** Position of a RUN in `runViews(model)` (-1 for other instructions): "later RUNs" loops start after it. */
export function viewIndex(model: Model, instr: Instr): number {
  let m = indexes.get(model);
  if (!m) indexes.set(model, (m = new Map(runViews(model).map((v, k) => [v.instr, k]))));
  return m.get(instr) ?? -1;
}

const viewMaps = new WeakMap<Model, Map<Instr, RunView>>();

/** RUN views by instruction, once per model. */
export function viewMap(model: Model): ReadonlyMap<Instr, RunView> {
  let m = viewMaps.get(model);
  if (!m) viewMaps.set(model, (m = new Map(runViews(model).map((v) => [v.instr, v]))));
  return m;
}

/** The RunView of a RUN instruction (undefined for other instructions), without scanning the model. */
export function viewOf(model: Model, instr: Instr): RunView | undefined {
  return viewMap(model).get(instr);
}

const byStage = new WeakMap<Model, Map<Stage | null, RunView[]>>();

/** The RUN views of one stage (null: before the first FROM), in order; grouped once per model. */
export function stageRunViews(model: Model, stage: Stage | null): RunView[] {
  let m = byStage.get(model);
  if (!m) {
    byStage.set(model, (m = new Map()));
    for (const v of runViews(model)) {
      const l = m.get(v.instr.stage);
      if (l) l.push(v);
      else m.set(v.instr.stage, [v]);
    }
  }
  return m.get(stage) ?? [];
}

/** A BuildKit cache or tmpfs mount whose target contains one of the fragments. */
export function hasCacheMount(run: RunScript, fragments: readonly string[]): boolean {
  return run.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && fragments.some((f) => m.target.includes(f)));
}

/** Document range of a call: from the program name to the end of the command. */
export function callRange(run: RunScript, call: Call): { start: number; end: number } {
  return { start: docStart(run, call.nameWord.start), end: docEnd(run, call.cmd.end) };
}

/** The instructions of the RUN's stage, in order. */
export function stageInstrs(model: Model, instr: Instr): readonly Instr[] {
  return instr.stage ? instr.stage.instrs : model.instrs.filter((i) => i.stage === null);
}
