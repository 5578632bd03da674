import { cleansDir, hasFlag, positionals, type Call } from '../kernel/commands.js';
import { insertAfterWord } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import { docStart, type RunScript } from '../kernel/run-script.js';
import type { Word } from '../kernel/shell/parser.js';
import { cacheMountFix } from '../analysis/package-managers/cache-mounts.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { exportedBefore, homePaths, instrText, mountCovers, optionValue, wordValue } from '../analysis/package-managers/manager-commands.js';
import { anyBefore } from '../kernel/stage-index.js';

/** pip's global options that take a separate value (they may come before `install`). */
const PIP_VALUE_OPTS = new Set([
  '--proxy',
  '--retries',
  '--timeout',
  '--exists-action',
  '--trusted-host',
  '--cert',
  '--client-cert',
  '--cache-dir',
  '--log',
  '--python',
  '--use-feature',
  '--use-deprecated',
  '--keyring-provider',
  '--progress-bar',
]);
const PIP = /^pip[0-9.]*$/;
const PYTHON = /^(python|pypy)[0-9.]*$/;
/**
 * pip reads PIP_NO_CACHE_DIR with strtobool and, for backwards compatibility, disables the
 * cache for *every* valid value, "0" and "false" included (pip `cli/cmdoptions.py`,
 * `_handle_no_cache_dir`); any other value makes pip exit with an error.
 */
const STRTOBOOL = /^(y|yes|t|true|on|1|n|no|f|false|off|0)$/i;
const PIP_CACHE = homePaths('.cache/pip');

/** The `install` word when the call is `pip install …` or `python -m pip install …`. */
function pipInstall(call: Call): Word | undefined {
  let args = call.args;
  if (PYTHON.test(call.name)) {
    const m = args.findIndex((w) => w.value === '-m' || w.value.startsWith('-m'));
    const mod = args[m]?.value === '-m' ? args[m + 1]?.value : args[m]?.value.slice(2);
    if (m < 0 || mod !== 'pip') return undefined;
    args = args.slice(m + (args[m]?.value === '-m' ? 2 : 1));
  } else if (!PIP.test(call.name)) return undefined;
  const sub = positionals({ ...call, args }, PIP_VALUE_OPTS)[0];
  return sub?.value === 'install' ? sub : undefined;
}

/** `pip cache purge` (or `python -m pip cache purge`). */
function purgesCache(c: Call): boolean {
  return (PIP.test(c.name) || PYTHON.test(c.name)) && c.args.some((a, k) => a.value === 'cache' && c.args[k + 1]?.value === 'purge');
}

/** PIP_NO_CACHE_DIR set by a value pip accepts (unknown `$VAR` values are given the benefit of the doubt). */
function disables(value: string | undefined): boolean {
  return value !== undefined && (STRTOBOOL.test(value.trim()) || value.includes('$'));
}

/** Set on the command (`PIP_NO_CACHE_DIR=1 pip …`, `env PIP_NO_CACHE_DIR=1 pip …`) or exported before it. */
function disabledInRun(run: RunScript, call: Call): boolean {
  const own = [...call.cmd.assigns, ...call.cmd.words.slice(0, call.cmd.words.indexOf(call.nameWord))];
  for (const w of own) if (w.value.startsWith('PIP_NO_CACHE_DIR=') && disables(w.value.slice(17))) return true;
  return disables(exportedBefore(run, call.cmd, 'PIP_NO_CACHE_DIR'));
}

const setsNoCacheDir = (t: string): boolean => /no-cache-dir/.test(t) && (/pip[0-9.]*\s+config\s+set/.test(t) || /pip\.conf/.test(t));

/** `pip config set global.no-cache-dir …` or a pip.conf written with `no-cache-dir = …` earlier. */
function configuredEarlier(model: Model, instr: Instr, before: number): boolean {
  if (setsNoCacheDir(model.text.slice(instr.start, before))) return true;
  return anyBefore(model, instr, 'ds006-pip-conf', 'prior', (i) => (i.keyword === 'RUN' || i.keyword === 'COPY') && setsNoCacheDir(instrText(model, i)));
}

/** pip (optparse) accepts any unambiguous prefix of a long option: `--no-cache` is `--no-cache-dir`. */
const NO_CACHE_DIR = ['no-cache', 'no-cache-', 'no-cache-d', 'no-cache-di', 'no-cache-dir'];

export default defineRule({
  id: 'DS006',
  name: 'pip-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'always',
  focus: /\binstall\b/,
  hadolint: ['DL3042'],
  docs: {
    summary: '`pip install` without `--no-cache-dir`',
    why: 'pip keeps every wheel it downloads or builds in `~/.cache/pip`. In an image that cache is never used again, and it is often as big as the installed packages themselves.',
    bad: 'RUN pip install -r requirements.txt',
    good: 'RUN pip install --no-cache-dir -r requirements.txt',
    notes:
      "Covers `pip`, `pip3`, `pip3.12`, `python -m pip` and `python3.X -m pip`; not `pipx`, `pipenv` or `uv`. Not flagged when `PIP_NO_CACHE_DIR` is set by ENV/ARG in the stage (or a stage it is built FROM), on the command, or by an `export` earlier in the RUN; when `pip config set global.no-cache-dir` or a pip.conf with `no-cache-dir` was written earlier (in the stage, a stage it is built FROM, or the same RUN); with a cache/tmpfs mount on `~/.cache/pip` (or on a parent such as `/root/.cache`, or on the `--cache-dir`/`PIP_CACHE_DIR` directory); or when the same RUN later deletes the cache (`rm -rf /root/.cache/pip`, `pip cache purge`). Deliberate difference from hadolint: any valid value of `PIP_NO_CACHE_DIR`, including `0`, `false`, `no` and `off`, disables the cache in pip itself (see `_handle_no_cache_dir` in pip's `cmdoptions.py`), so we do not flag those; hadolint does. `pip install --user` is flagged like any other install. pip accepts unambiguous prefixes of long options, so `--no-cache` counts as `--no-cache-dir`. In stages that do not ship the finding is a hint.",
    cacheMount: {
      mount: '`RUN --mount=type=cache,target=/root/.cache/pip` (or `PIP_CACHE_DIR`)',
      details: "Not offered when the cache is in another user's home (a non-root `USER`) or with `--cache-dir`.",
    },
    seeAlso: ['hadolint DL3042'],
  },
  check(ctx) {
    const model = ctx.model;
    for (const { instr, run, calls } of runViews(model)) {
      calls.forEach((call, idx) => {
        const sub = pipInstall(call);
        if (!sub || hasFlag(call, NO_CACHE_DIR)) return;
        if (disables(instr.env.get('PIP_NO_CACHE_DIR')) || disabledInRun(run, call)) return;
        const cacheDir = wordValue(optionValue(call, ['--cache-dir']), instr.env) ?? instr.env.get('PIP_CACHE_DIR');
        const dirs = cacheDir ? [cacheDir] : PIP_CACHE;
        if (mountCovers(run, dirs) || run.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target.includes('.cache/pip'))) return;
        if (cleansDir(calls, idx + 1, dirs, instr.env)) return;
        if (calls.slice(idx + 1).some(purgesCache)) return;
        if (configuredEarlier(model, instr, docStart(run, call.cmd.start))) return;
        const edit = insertAfterWord(instr, sub, '--no-cache-dir');
        ctx.report({
          instr,
          ...callRange(run, call),
          message: '`pip install` without `--no-cache-dir` leaves downloaded and built wheels in ~/.cache/pip in this layer.',
          fix: edit ? { title: 'Add `--no-cache-dir`', safe: true, edits: [edit] } : undefined,
          alternatives: cacheMountFix(model, instr, 'pip', call),
        });
      });
    }
  },
});
