/**
 * What a stage does with the packages it installs, for judging which recommended packages
 * `--no-install-recommends` may drop (recommends.ts): the stage's RUNs from a given instruction
 * on, every stage built FROM it, and the run-time commands (CMD, ENTRYPOINT, HEALTHCHECK) the
 * image inherits.
 */
import { positionals, type Call } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { runViews, type RunView } from '../run-views.js';
import { stageChain } from '../layers/contents.js';
import type { StageUsage } from './recommends.js';

const TLS_PROGRAMS = new Set([
  'curl',
  'wget',
  'git',
  'gem',
  'bundle',
  'composer',
  'cargo',
  'rustup',
  'conda',
  'poetry',
  'pipenv',
  'uv',
  'mvn',
  'gradle',
  'add-apt-repository',
]);
const PIP = /^pip[0-9.]*$/;
const NODE_PM = new Set(['npm', 'yarn', 'pnpm', 'npx']);
const COMPILERS = new Set([
  'gem',
  'bundle',
  'node-gyp',
  'docker-php-ext-install',
  'pecl',
  'phpize',
  'cpanm',
  'cpan',
  'luarocks',
  'rustc',
  'dpkg-scanpackages',
  'gcc',
  'cc',
  'g++',
  'c++',
  'clang',
  'clang++',
  'make',
  'cmake',
  'configure',
  'ninja',
  'meson',
  'cargo',
  'autoreconf',
  'dpkg-buildpackage',
]);
const RUNTIME = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

/** `pip …` or `python -m pip …`: the arguments after `pip`, or null. */
function pipArgs(call: Call): string[] | null {
  const v = call.args.map((w) => w.value);
  if (PIP.test(call.name)) return v;
  if (/^python[0-9.]*$/.test(call.name)) {
    const m = v.indexOf('-m');
    if (m >= 0 && PIP.test(v[m + 1] ?? '')) return v.slice(m + 2);
  }
  return null;
}

function cgoOff(call: Call, instr: Instr): boolean {
  const assigned = call.cmd.assigns.find((w) => w.value.startsWith('CGO_ENABLED='));
  if (assigned) return assigned.value === 'CGO_ENABLED=0';
  return instr.env.get('CGO_ENABLED') === '0' || /\bCGO_ENABLED=0\b/.test(instr.args);
}

/** Stages whose image contains `stage`'s: itself and every stage built FROM it, directly or not. */
function derived(model: Model, stage: Stage | null): Stage[] {
  if (!stage) return [];
  return model.stages.filter((s) => stageChain(s).includes(stage));
}

function scanCall(call: Call, instr: Instr, u: Mutable): void {
  u.commands.add(call.name);
  const first = positionals(call)[0]?.value ?? '';
  if (TLS_PROGRAMS.has(call.name)) u.tls = true;
  if (call.name === 'ssh' || call.name === 'scp' || call.name === 'sftp') u.ssh = true;
  if (COMPILERS.has(call.name)) u.compile = true;
  if (call.name === 'composer') u.composer = true;
  if (NODE_PM.has(call.name) && (call.name === 'yarn' || ['install', 'i', 'ci', 'add', 'rebuild'].includes(first))) {
    u.npmInstall = true;
    u.tls = true;
  }
  if (call.name === 'go' && ['install', 'build', 'get', 'test', 'run', 'generate'].includes(first)) {
    if (!cgoOff(call, instr)) u.cgo = true;
    if (first === 'get' || first === 'install') u.tls = true;
  }
  if (call.name === 'go' && first === 'mod') u.tls = true;
  if ((call.name === 'gpg' || call.name === 'gpg2' || call.name === 'apt-key') && call.args.some((w) => /keyserver|recv-key|fetch-key/.test(w.value))) {
    u.tls = true;
  }
  const pip = pipArgs(call);
  if (pip && (pip[0] === 'install' || pip[0] === 'wheel' || pip[0] === 'download')) {
    u.tls = true;
    const binaryOnly = pip.some((a, i) => (a === '--only-binary' && pip[i + 1] === ':all:') || a === '--only-binary=:all:');
    if (pip[0] !== 'download' && !binaryOnly) u.pipBuild = true;
  }
  if (/^(python|pypy)[0-9.]*$/.test(call.name) && call.args.some((w) => /(setup|_build)\.py$/.test(w.value))) u.compile = true;
  if (/^\.?\/?configure$/.test(call.nameWord.value)) u.compile = true;
}

type Mutable = { -readonly [K in keyof StageUsage]: StageUsage[K] } & { commands: Set<string> };

/**
 * What the stage of `from` does from that instruction on (RUNs of this stage and of stages built
 * FROM it), plus the run-time commands of the image. `from` itself is included.
 */
export function stageUsage(model: Model, from: Instr): StageUsage {
  const stages = derived(model, from.stage);
  const chain = stageChain(from.stage);
  return usage(
    model,
    from.onbuild,
    (i) =>
      from.stage === null ? i.stage === null && i.start >= from.start : stages.includes(i.stage as Stage) && (i.stage !== from.stage || i.start >= from.start),
    (i) => (from.stage === null ? i.stage === null : stages.includes(i.stage as Stage) || chain.includes(i.stage as Stage)),
  );
}

/** What every stage that ships does (RUNs and run-time commands). */
export function shippedUsage(model: Model): StageUsage {
  // Every shipping stage is in the final stage's group (FROM and COPY --from link them), which keeps this
  // whole-file question answerable by the incremental linter; instructions before the first FROM ship nothing.
  const ships = (i: Instr): boolean => (i.stage === null ? model.stages.length === 0 : i.stage.shipped);
  return usage(model, false, ships, ships);
}

function usage(model: Model, onbuild: boolean, runs: (i: Instr) => boolean, runtime: (i: Instr) => boolean): StageUsage {
  const u: Mutable = { tls: false, ssh: false, pipBuild: false, npmInstall: false, composer: false, cgo: false, compile: false, commands: new Set() };
  for (const v of runViews(model)) {
    if (v.instr.onbuild !== onbuild || !runs(v.instr)) continue;
    merge(u, runUsage(model, v));
  }
  for (const i of model.instrs) {
    if (!RUNTIME.has(i.keyword) || !runtime(i)) continue;
    scanText(i.args, u);
    for (const w of i.args.split(/[\s"',[\]]+/)) {
      const name = w.slice(w.lastIndexOf('/') + 1);
      if (/^[A-Za-z0-9_.+-]+$/.test(name)) u.commands.add(name);
    }
  }
  return u;
}

/** What one RUN does, scanned once per RUN (DS004 asks about every install's stage: no rescans). */
const perRun = new WeakMap<RunView, Mutable>();
function runUsage(model: Model, v: RunView): Mutable {
  let r = perRun.get(v);
  if (!r) {
    r = { tls: false, ssh: false, pipBuild: false, npmInstall: false, composer: false, cgo: false, compile: false, commands: new Set() };
    for (const call of v.calls) scanCall(call, v.instr, r);
    if (v.run.mounts.some((m) => m.type === 'ssh')) r.ssh = true;
    scanText(model.text.slice(v.instr.argsStart, v.instr.end), r);
    perRun.set(v, r);
  }
  return r;
}

function merge(u: Mutable, r: Mutable): void {
  u.tls ||= r.tls;
  u.ssh ||= r.ssh;
  u.pipBuild ||= r.pipBuild;
  u.npmInstall ||= r.npmInstall;
  u.composer ||= r.composer;
  u.cgo ||= r.cgo;
  u.compile ||= r.compile;
  for (const c of r.commands) u.commands.add(c);
}

function scanText(text: string, u: Mutable): void {
  if (/https:\/\/|hkps:\/\/|ftps:\/\//i.test(text)) u.tls = true;
  if (/\bgit@[\w.-]+:|\bssh:\/\//.test(text)) u.ssh = true;
}
