/**
 * Trees and files RUNs create (for DS015): downloads, unpacked archives and clones (runCreations), plus
 * `pip install --target DIR` and the node_modules of `npm install` / `npm ci` / `yarn install`. One
 * per-stage index, built once, answers "what did an earlier RUN create under this path".
 */
import type { Call } from '../../kernel/commands.js';
import { expand, type Instr, type Model, type Stage } from '../../kernel/model.js';
import { PathIndex } from '../../kernel/path-index.js';
import { callDirs, deletedInSameRun, joinPath, type Created } from './contents.js';
import { runCreations } from './downloads.js';
import { stageRunViews, type RunView } from '../run-views.js';

const PIP = /^pip[0-9.]*$/;

/** The arguments after `pip` (`pip …`, `python -m pip …`), or null. */
function pipArgs(call: Call): string[] | null {
  const v = call.args.map((w) => w.value);
  if (PIP.test(call.name)) return v;
  const m = /^python[0-9.]*$/.test(call.name) ? v.indexOf('-m') : -1;
  return m >= 0 && PIP.test(v[m + 1] ?? '') ? v.slice(m + 2) : null;
}

function optionValue(args: string[], short: string | null, long: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === long || (short !== null && a === short)) return args[i + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
  }
  return undefined;
}

/** The directory an install call fills, relative or absolute as written, or null. */
function installDir(call: Call): string | null {
  const pip = pipArgs(call);
  if (pip) return pip[0] === 'install' ? (optionValue(pip, '-t', '--target') ?? null) : null;
  const args = call.args.map((w) => w.value);
  if (args.some((a) => a === '-g' || a === '--global')) return null;
  if (call.name === 'npm' && ['install', 'i', 'ci'].includes(args[0] ?? '')) {
    const prefix = optionValue(args, null, '--prefix');
    return prefix ? `${prefix.replace(/\/+$/, '')}/node_modules` : 'node_modules';
  }
  if (call.name === 'yarn' && (args.length === 0 || args[0] === 'install')) return 'node_modules';
  return null;
}

function installCreations(view: RunView): Created[] {
  const dirs = callDirs(view);
  const out: Created[] = [];
  view.calls.forEach((call, idx) => {
    const cwd = dirs[idx];
    const dir = cwd === null || cwd === undefined ? null : installDir(call);
    if (dir === null || cwd === null || cwd === undefined) return;
    const d = expand(dir, view.instr.env);
    if (!/[$`]/.test(d)) out.push({ instr: view.instr, path: joinPath(cwd, d), dir: true, how: 'install', call, callIndex: idx });
  });
  return out;
}

const indexes = new WeakMap<Stage, { index: PathIndex<Created>; before: Map<Instr, number> }>();

/**
 * What the stage's RUNs (not ONBUILD) before `instr` created and kept (not deleted later in the same RUN) at `target`
 * or (when `below`) below it, in order; at most `max` + 1 of them.
 */
export function runTreesWithin(model: Model, stage: Stage, instr: Instr, target: string, below: boolean, max: number): Created[] {
  let c = indexes.get(stage);
  if (!c) {
    c = { index: new PathIndex<Created>(), before: new Map() };
    const runs = new Map(stageRunViews(model, stage).map((v) => [v.instr, v]));
    for (const i of stage.instrs) {
      c.before.set(i, c.index.items.length);
      const view = runs.get(i);
      if (!view || i.onbuild) continue;
      for (const x of [...runCreations(view), ...installCreations(view)]) if (!deletedInSameRun(model, x, view)) c.index.add(x);
    }
    indexes.set(stage, c);
  }
  return c.index.within(target, c.before.get(instr) ?? 0, max + 1, !below);
}
