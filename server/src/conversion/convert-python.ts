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
import type { Word } from '../kernel/shell/lexer.js';
import { FILE_CMDS, USER_CMDS, appDir, buildOnlyPackages, convertApp, copiesInside, insertBeforeInstr, plainRuns } from './multi-stage-app.js';
import { isConcrete, launchArgs, launcherOf, normJoin, workdirAt } from './multi-stage.js';
import { cRuntime, slimPython } from '../analysis/images/runtime-images.js';
import { installedPackages } from '../analysis/package-managers/install-steps.js';
import { insertAfterWord } from '../kernel/edits.js';
import { docStart } from '../kernel/run-script.js';
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

/** Debian/Ubuntu + apt's python3-pip: what the runtime stage installs again and where python3-venv goes in the builder. */
interface AptPython {
  runtime: string[];
  keepCa: boolean;
  venvAt: { instr: Model['instrs'][number]; word: Word } | null;
  hasVenv: boolean;
}

/** An apt call of a Debian/Ubuntu Python stage: false when the conversion cannot follow it. */
function aptCall(c: Call, instr: Model['instrs'][number], apt: AptPython): boolean {
  const a = c.args.map((w) => w.value);
  const sub = a.find((x) => !x.startsWith('-'));
  if (['update', 'clean', 'autoremove', 'autoclean'].includes(sub ?? '')) return true;
  const pkgs = sub === 'install' ? installedPackages(c) : null;
  if (!pkgs) return false;
  // python3 → python3.11 Recommends ca-certificates: without --no-install-recommends the stage had a CA store.
  if (!a.includes('--no-install-recommends') && !a.some((x) => /Install-Recommends=(false|0|no)/i.test(x))) apt.keepCa = true;
  for (const p of pkgs) {
    if (p === 'ca-certificates') {
      apt.keepCa = true;
    } else if (p === 'python3-venv') {
      apt.hasVenv = true;
    } else if (p === 'python3-pip') {
      const word = c.args.find((w) => w.value === p);
      if (word) apt.venvAt ??= { instr, word };
    } else if (/-dev$/.test(p) && !BUILD_PKGS.test(p)) {
      return false; // its runtime library cannot be told from the name
    } else if (!BUILD_PKGS.test(p) && !apt.runtime.includes(p)) {
      apt.runtime.push(p);
    }
  }
  return true;
}

export function convertPython(model: Model, stage: Stage): PythonResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  const distro = /^(.*\/)?(debian|ubuntu)(:|$)/.test(stage.imageExpanded);
  const apt: AptPython | null = distro ? { runtime: [], keepCa: false, venvAt: null, hasVenv: false } : null;
  const dir = appDir(stage);
  // Without a WORKDIR the program must come from the venv alone (nothing COPYed that would be left behind).
  if (!dir && (!distro || stage.instrs.some((i) => i.keyword === 'COPY' || i.keyword === 'ADD' || i.keyword === 'WORKDIR'))) return null;
  let venv: string | null = null;
  let firstPip = null;
  /** The first pip call, when a package install precedes it in its own RUN (python3 is not there before that RUN). */
  let pipAfterInstall: { view: (typeof views)[number]; call: Call } | null = null;
  const pips: { call: Call; path: string }[] = [];
  for (const v of views) {
    let installs = false;
    for (const c of v.calls) {
      const a = c.args.map((w) => expand(w.value, v.instr.env));
      if (c.name === 'cd') return null;
      const pip = pipInstall(c);
      if (pip) {
        if (pip.some((x) => /^(--user|--target|-t|--prefix|--root|--home)(=|$)/.test(x) || x === '--editable' || x === '-e')) return null;
        pips.push({ call: c, path: v.instr.env.get('PATH') ?? '' });
        if (!firstPip && installs) pipAfterInstall = { view: v, call: c };
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
      if (apt && (c.name === 'apt-get' || c.name === 'apt')) {
        if (!aptCall(c, v.instr, apt)) return null;
        installs = true;
        continue;
      }
      if (buildOnlyPackages(c, (p) => BUILD_PKGS.test(p))) continue;
      return null;
    }
  }
  if (!firstPip) return null;
  const env = venv ?? VENV;
  // The Dockerfile's own venv must be the one pip installs into (its bin first on PATH, or its pip).
  if (venv && !pips.every((p) => p.call.nameWord.value.startsWith(`${env}/bin/`) || p.path.split(':')[0] === `${env}/bin`)) return null;
  if (dir && !copiesInside(stage, [dir, env])) return null;
  if (dir && (dir === env || dir.startsWith(env + '/') || env.startsWith(dir + '/'))) return null;
  if (apt && !venv && !apt.hasVenv && !apt.venvAt) return null; // nowhere to add python3-venv

  const launcher = launcherOf(stage.instrs);
  if (!launcher) return null;
  const prog = launchArgs(launcher)?.args[0];
  if (!prog) return null;
  if (prog.includes('/')) {
    const abs = normJoin(workdirAt(stage, launcher, '/'), prog);
    if ((!dir || !abs.startsWith(dir + '/')) && !abs.startsWith(env + '/')) return null;
  }

  const runtimeImage = apt ? cRuntime(stage) : slimPython(stage.image);
  if (!runtimeImage) return null;
  const builderEdits: Edit[] = [];
  if (!venv) {
    if (apt && !apt.hasVenv && apt.venvAt) {
      const e = insertAfterWord(apt.venvAt.instr, apt.venvAt.word, 'python3-venv');
      if (!e) return null;
      builderEdits.push(e);
    }
    if (pipAfterInstall) {
      // The RUN installs python3 and then runs pip: the venv is made inside it, right before pip (PATH is read when
      // pip is looked up, after the venv exists).
      const { view, call } = pipAfterInstall;
      if (view.run.script.unterminated || call.cmd.assigns.length) return null;
      const at = docStart(view.run, call.nameWord.start);
      builderEdits.push(insertBeforeInstr(model, firstPip, [`ENV PATH="${VENV}/bin:$PATH"`]));
      builderEdits.push({ start: at, end: at, text: `python3 -m venv ${VENV} && ` });
    } else builderEdits.push(insertBeforeInstr(model, firstPip, [`RUN python3 -m venv ${VENV}`, `ENV PATH="${VENV}/bin:$PATH"`]));
  }
  const esc = model.escape;
  const pkgs = apt ? [...new Set(['python3', ...apt.runtime, ...(apt.keepCa ? ['ca-certificates'] : [])])] : [];
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `the virtual environment ${env}${dir ? ` and the app (${dir})` : ''}, not the compilers${apt ? ' or pip' : ''}`,
    builderEdits,
    // With apt, the venv comes after the runtime packages (python3 itself: its layer changes less often).
    head: (b) => [...(apt ? [] : [`COPY --from=${b} ${env} ${env}`]), ...(venv ? [] : [`ENV PATH="${VENV}/bin:$PATH"`])],
    runs: apt
      ? [`RUN apt-get update ${esc}`, ` && apt-get install -y --no-install-recommends ${pkgs.join(' ')} ${esc}`, ` && rm -rf /var/lib/apt/lists/*`]
      : [],
    copies: (b) => [...(apt ? [`COPY --from=${b} ${env} ${env}`] : []), ...(dir ? [`COPY --from=${b} ${dir} ${dir}`] : [])],
    after: [],
    probes: new Set(['python', 'python3']),
  });
  return edits ? { edits, runtimeImage } : null;
}
