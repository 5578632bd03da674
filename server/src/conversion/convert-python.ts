/**
 * DS010 for Python (pip, requirements files, pyproject): the full python image, with its
 * compilers, becomes the builder; pip installs into a virtual environment (`/opt/venv`, created
 * right before the first pip install unless the Dockerfile makes its own), and the runtime stage
 * on the slim variant copies the venv and the app directory and keeps the venv first on PATH.
 * System packages other than build tools, pip installs outside the venv (`--user`, `--target`,
 * `--prefix`), files outside the app directory or shell tricks mean no conversion.
 */
import type { Model, Stage } from '../kernel/model.js';
import type { Call } from '../kernel/commands.js';
import { expand } from '../kernel/model.js';
import { FILE_CMDS, USER_CMDS, appDir, buildOnlyPackages, convertApp, copiesInside, insertBeforeInstr, plainRuns } from './multi-stage-app.js';
import { isConcrete, launchArgs, launcherOf, normJoin, workdirAt } from './multi-stage.js';
import { slimPython } from '../analysis/images/runtime-images.js';
import type { Edit } from '../kernel/types.js';

const VENV = '/opt/venv';
const BUILD_PKGS =
  /^(build-essential|build-base|gcc|g\+\+|make|cmake|pkg-config|git|python3?-dev|python3-venv|python3-pip|libc6-dev|libffi-dev|musl-dev|linux-headers|cargo|rustc|ca-certificates)$/;
const PYTHON = /^python(\d(\.\d+)?)?$/;
const PIP = /^pip(\d(\.\d+)?)?$/;
const PIP_READONLY = new Set(['list', 'freeze', 'check', 'show', 'config', 'download', 'wheel']);

/** `pip install …` or `python -m pip install …`: its arguments after `install`, else null. */
function pipInstall(call: Call): string[] | null {
  const a = call.args.map((w) => w.value);
  let rest: string[] | null = null;
  if (PIP.test(call.name)) rest = a;
  else if (PYTHON.test(call.name) && a[0] === '-m' && a[1] === 'pip') rest = a.slice(2);
  if (!rest) return null;
  const sub = rest.findIndex((x) => !x.startsWith('-'));
  return sub >= 0 && rest[sub] === 'install' ? rest.slice(sub + 1) : null;
}

/** `python -m venv DIR` / `virtualenv DIR`: the directory (absolute), else null. */
function venvDir(call: Call, cwd: string): string | null | undefined {
  const a = call.args.map((w) => w.value);
  let pos: string[] | null = null;
  if (PYTHON.test(call.name) && a[0] === '-m' && (a[1] === 'venv' || a[1] === 'virtualenv')) pos = a.slice(2);
  else if (call.name === 'virtualenv') pos = a;
  if (!pos) return undefined;
  const d = pos.filter((x) => !x.startsWith('-'));
  if (d.length !== 1) return null;
  const abs = normJoin(cwd, d[0] as string);
  return isConcrete(abs) ? abs : null;
}

export interface PythonResult {
  edits: Edit[];
  runtimeImage: string;
}

export function convertPython(model: Model, stage: Stage): PythonResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  const dir = appDir(stage);
  if (!dir) return null;
  let venv: string | null = null;
  let firstPip = null;
  const pips: { call: Call; path: string }[] = [];
  for (const v of views) {
    for (const c of v.calls) {
      const a = c.args.map((w) => expand(w.value, v.instr.env));
      if (c.name === 'cd') return null;
      const pip = pipInstall(c);
      if (pip) {
        if (pip.some((x) => /^(--user|--target|-t|--prefix|--root|--home)(=|$)/.test(x) || x === '--editable' || x === '-e')) return null;
        pips.push({ call: c, path: v.instr.env.get('PATH') ?? '' });
        firstPip ??= v.instr;
        continue;
      }
      const vd = venvDir(c, workdirAt(stage, v.instr, '/'));
      if (vd === null || (vd !== undefined && venv && venv !== vd)) return null;
      if (vd) {
        if (firstPip) return null; // pip ran before the venv existed: some packages are outside it
        venv = vd;
        continue;
      }
      if (PIP.test(c.name)) {
        if (!PIP_READONLY.has(a[0] ?? '')) return null;
        continue;
      }
      if (PYTHON.test(c.name)) {
        if (a.includes('setup.py') || a[0] === '-m' || a[0] === '-c') return null;
        continue; // e.g. `python manage.py collectstatic`: writes into the app directory
      }
      if (FILE_CMDS.has(c.name) || USER_CMDS.has(c.name)) continue;
      if (buildOnlyPackages(c, (p) => BUILD_PKGS.test(p))) continue;
      return null;
    }
  }
  if (!firstPip) return null;
  const env = venv ?? VENV;
  // The Dockerfile's own venv must be the one pip installs into (its bin first on PATH, or its pip).
  if (venv && !pips.every((p) => p.call.nameWord.value.startsWith(`${env}/bin/`) || p.path.split(':')[0] === `${env}/bin`)) return null;
  if (!copiesInside(stage, [dir, env])) return null;
  if (dir === env || dir.startsWith(env + '/') || env.startsWith(dir + '/')) return null;

  const launcher = launcherOf(stage.instrs);
  if (!launcher) return null;
  const prog = launchArgs(launcher)?.args[0];
  if (!prog) return null;
  if (prog.includes('/')) {
    const abs = normJoin(workdirAt(stage, launcher, '/'), prog);
    if (!abs.startsWith(dir + '/') && !abs.startsWith(env + '/')) return null;
  }

  const runtimeImage = slimPython(stage.image);
  if (!runtimeImage) return null;
  const builderEdits = venv ? [] : [insertBeforeInstr(model, firstPip, [`RUN python3 -m venv ${VENV}`, `ENV PATH="${VENV}/bin:$PATH"`])];
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `the virtual environment ${env} and the app (${dir}), not the compilers`,
    builderEdits,
    head: (b) => [`COPY --from=${b} ${env} ${env}`, ...(venv ? [] : [`ENV PATH="${VENV}/bin:$PATH"`])],
    runs: [],
    copies: (b) => [`COPY --from=${b} ${dir} ${dir}`],
    after: [],
    probes: new Set(['python', 'python3']),
  });
  return edits ? { edits, runtimeImage } : null;
}
