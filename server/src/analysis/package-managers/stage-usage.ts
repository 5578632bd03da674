/**
 * What a stage does with the packages it installs, for judging which recommended packages
 * `--no-install-recommends` may drop (recommends.ts): the stage's RUNs from a given instruction
 * on, every stage built FROM it, and the run-time commands (CMD, ENTRYPOINT, HEALTHCHECK) the
 * image inherits.
 */
import { positionals, type Call } from '../../kernel/commands.js';
import type { Instr, Model } from '../../kernel/model.js';
import { runViews, type RunView } from '../run-views.js';
import type { StageUsage } from './recommends.js';
import { pipArgs, pipMayCompile } from './pip-args.js';

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

function cgoOff(call: Call, instr: Instr): boolean {
  const assigned = call.cmd.assigns.find((w) => w.value.startsWith('CGO_ENABLED='));
  if (assigned) return assigned.value === 'CGO_ENABLED=0';
  return instr.env.get('CGO_ENABLED') === '0' || /\bCGO_ENABLED=0\b/.test(instr.args);
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
    if (pip[0] !== 'download') {
      u.pipInstall = true;
      if (pipMayCompile(pip)) u.pipBuild = true;
    }
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
  const has = (token: string): boolean => usedFrom(model, from, token);
  return {
    tls: has('tls'),
    ssh: has('ssh'),
    pipInstall: has('pipInstall'),
    pipBuild: has('pipBuild'),
    npmInstall: has('npmInstall'),
    composer: has('composer'),
    cgo: has('cgo'),
    compile: has('compile'),
    commands: { has: (c: string) => has(`cmd:${c}`) },
  };
}

type Flag = Exclude<keyof StageUsage, 'commands'>;
const FLAGS: readonly Flag[] = ['tls', 'ssh', 'pipInstall', 'pipBuild', 'npmInstall', 'composer', 'cgo', 'compile'];

/**
 * A token is a flag name or `cmd:<program>`. Per stage (index; -1 before the first FROM): where each
 * token is last seen in its own RUNs (by ONBUILD-ness) and which tokens its run-time instructions have.
 * DS004 asks for every install; rescanning the rest of the stage and every derived stage each time was
 * quadratic, and cubic on long FROM chains (issue 17).
 */
interface TokenIndex {
  own: [Map<number, Map<string, number>>, Map<number, Map<string, number>>];
  runtime: Map<number, Set<string>>;
  /** Per token and ONBUILD-ness: by stage index, whether a strict descendant's RUNs, or the runtime of the stage's descendants or ancestors, have it. */
  closure: Map<string, boolean[]>;
}
const tokenIndexes = new WeakMap<Model, TokenIndex>();

function tokensOf(u: Mutable): string[] {
  return [...FLAGS.filter((f) => u[f]), ...[...u.commands].map((c) => `cmd:${c}`)];
}

function tokenIndex(model: Model): TokenIndex {
  let idx = tokenIndexes.get(model);
  if (idx) return idx;
  idx = { own: [new Map(), new Map()], runtime: new Map(), closure: new Map() };
  for (const v of runViews(model)) {
    const k = v.instr.stage?.index ?? -1;
    const byStage = idx.own[v.instr.onbuild ? 1 : 0];
    let last = byStage.get(k);
    if (!last) byStage.set(k, (last = new Map()));
    for (const t of tokensOf(runUsage(model, v))) last.set(t, Math.max(last.get(t) ?? -1, v.instr.start));
  }
  for (const i of model.instrs) {
    if (!RUNTIME.has(i.keyword)) continue;
    const k = i.stage?.index ?? -1;
    let set = idx.runtime.get(k);
    if (!set) idx.runtime.set(k, (set = new Set()));
    for (const t of tokensOf(runtimeUsage(i))) set.add(t);
  }
  tokenIndexes.set(model, idx);
  return idx;
}

function usedFrom(model: Model, from: Instr, token: string): boolean {
  const idx = tokenIndex(model);
  const k = from.stage?.index ?? -1;
  if ((idx.own[from.onbuild ? 1 : 0].get(k)?.get(token) ?? -1) >= from.start) return true;
  if (k < 0) return idx.runtime.get(-1)?.has(token) ?? false;
  const key = `${token}\u0000${from.onbuild}`;
  let closure = idx.closure.get(key);
  if (!closure) idx.closure.set(key, (closure = closureOf(model, idx, token, from.onbuild)));
  return closure[k] ?? false;
}

/** One pass up and one down the FROM forest (a parent is always an earlier stage). */
function closureOf(model: Model, idx: TokenIndex, token: string, onbuild: boolean): boolean[] {
  const n = model.stages.length;
  const own = (i: number): boolean => idx.own[onbuild ? 1 : 0].get(i)?.has(token) ?? false;
  const rt = (i: number): boolean => idx.runtime.get(i)?.has(token) ?? false;
  const desc: boolean[] = new Array<boolean>(n).fill(false);
  const rtDown: boolean[] = Array.from({ length: n }, (_, i) => rt(i));
  for (let i = n - 1; i >= 0; i--) {
    const p = model.stages[i]?.parent;
    if (!p) continue;
    desc[p.index] ||= own(i) || (desc[i] as boolean);
    rtDown[p.index] ||= rtDown[i] as boolean;
  }
  const rtUp: boolean[] = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const p = model.stages[i]?.parent;
    if (p) rtUp[i] = rt(p.index) || (rtUp[p.index] as boolean);
  }
  return desc.map((d, i) => d || (rtDown[i] as boolean) || (rtUp[i] as boolean));
}

/** What every stage that ships does (RUNs and run-time commands). */
export function shippedUsage(model: Model): StageUsage {
  // Every shipping stage is in the final stage's group (FROM and COPY --from link them), which keeps this
  // whole-file question answerable by the incremental linter; instructions before the first FROM ship nothing.
  const ships = (i: Instr): boolean => (i.stage === null ? model.stages.length === 0 : i.stage.shipped);
  return usageWhere(model, false, ships, ships);
}

/** A usage record with nothing seen yet. */
function emptyUsage(): Mutable {
  return { tls: false, ssh: false, pipInstall: false, pipBuild: false, npmInstall: false, composer: false, cgo: false, compile: false, commands: new Set() };
}

/** Everything the RUNs matching `runs` (of this ONBUILD-ness) and the run-time instructions matching `runtime` do; a plain scan. */
export function usageWhere(model: Model, onbuild: boolean, runs: (i: Instr) => boolean, runtime: (i: Instr) => boolean): Mutable {
  const u = emptyUsage();
  for (const v of runViews(model)) {
    if (v.instr.onbuild !== onbuild || !runs(v.instr)) continue;
    merge(u, runUsage(model, v));
  }
  for (const i of model.instrs) if (RUNTIME.has(i.keyword) && runtime(i)) merge(u, runtimeUsage(i));
  return u;
}

/** What a CMD, ENTRYPOINT or HEALTHCHECK runs. */
function runtimeUsage(i: Instr): Mutable {
  const u = emptyUsage();
  scanText(i.args, u);
  for (const w of i.args.split(/[\s"',[\]]+/)) {
    const name = w.slice(w.lastIndexOf('/') + 1);
    if (/^[A-Za-z0-9_.+-]+$/.test(name)) u.commands.add(name);
  }
  return u;
}

/** What one RUN does, scanned once per RUN (DS004 asks about every install's stage: no rescans). */
const perRun = new WeakMap<RunView, Mutable>();
function runUsage(model: Model, v: RunView): Mutable {
  let r = perRun.get(v);
  if (!r) {
    r = emptyUsage();
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
  u.pipInstall ||= r.pipInstall;
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
