/**
 * The toolchain-specific halves of DS010's conversion: Go (→ scratch, CGO_ENABLED=0, `-o`,
 * `-ldflags="-s -w"`) and Rust (`cargo build --release` → debian-slim / alpine).
 */
import { expand, type Model, type Stage } from '../kernel/model.js';
import type { Edit } from '../kernel/types.js';
import type { Call } from '../kernel/commands.js';
import { stageRunViews, type RunView } from '../analysis/run-views.js';
import type { ImageRef } from '../analysis/images/base-images.js';
import {
  GO_VALUE_FLAGS,
  afterSubcommand,
  checkStrip,
  encode,
  goBuilds,
  lastFlag,
  producesBinary,
  stripEdit,
  type GoBuild,
} from '../analysis/go/go-commands.js';
import { blockStartOffset, isConcrete, launcherOf, normJoin, workdirAt, type Spec } from './multi-stage.js';

/** Working directory of a call: WORKDIR, then `cd` earlier in the same RUN. Null when unknown. */
function callDir(stage: Stage, view: RunView, call: Call, initial: string): string | null {
  let wd = workdirAt(stage, view.instr, initial);
  for (const c of view.calls) {
    if (c === call) break;
    if (c.name !== 'cd') continue;
    const to = c.args[0];
    if (!to || to.dynamic) return null;
    wd = normJoin(wd, to.value);
  }
  return wd;
}

function stripPkg(p: string): string {
  return normJoin('/', p).slice(1);
}

/** Name `go build` would give the binary, or null for `.` (the module's name, unknown here). */
function goDefaultName(build: GoBuild): string | null {
  const pkgs = build.packages.map((w) => w.value);
  const first = pkgs[0];
  if (!first || first === '.' || first === './') return null;
  if (first.endsWith('.go')) return first.replace(/^.*\//, '').replace(/\.go$/, '');
  const last = first.replace(/\/+$/, '').replace(/^.*\//, '');
  return /^[\w.-]+$/.test(last) && last !== '..' ? last : null;
}

export function goSpec(model: Model, stage: Stage, ref: ImageRef): Spec | null {
  const views = stageRunViews(model, stage);
  const all = views.flatMap((v) => goBuilds(v)).filter(producesBinary);
  const builds = all.filter((b) => b.kind === 'build');
  if (builds.length !== 1 || all.length !== 1) return null;
  const build = builds[0] as GoBuild;
  const { instr, run } = build.view;
  if (instr.onbuild) return null;
  const initial = ref.official ? '/go' : '<base>';
  const dir = callDir(stage, build.view, build.call, initial);
  const cgo = build.call.cmd.assigns.find((w) => w.value.startsWith('CGO_ENABLED='))?.value.slice(12) ?? instr.env.get('CGO_ENABLED') ?? null;
  if (cgo !== null && cgo !== '0') return null; // the program asked for cgo: a static scratch binary is not possible

  const out = lastFlag(build, 'o');
  const plainExec = run.form === 'exec' && !run.execShell;
  const added: string[] = [];
  const check = checkStrip(build, views);
  if (check.state.kind === 'missing' && !check.ldflags) added.push(plainExec ? '-ldflags=-s -w' : '-ldflags="-s -w"');
  const edits: Edit[] = [];
  if (check.state.kind === 'missing' && check.ldflags) {
    const e = stripEdit(build, check);
    if (e) edits.push(e);
  }
  const defaultName = goDefaultName(build);
  let binName: string;
  let artefact: string;
  if (out) {
    // As written: an ARG/ENV reference must not become its default value in the runtime stage's COPY.
    const v = out.value;
    if (v.endsWith('/') || !dir) return null;
    artefact = normJoin(dir, v);
    if (!isConcrete(artefact)) return null;
    binName = artefact.replace(/^.*\//, '');
  } else {
    binName = defaultName ?? 'app';
    artefact = `/out/${binName}`;
    added.push('-o', artefact);
  }
  if (added.length) {
    const at = afterSubcommand(build);
    edits.push({ start: at, end: at, text: plainExec ? added.map((a) => `, ${JSON.stringify(a)}`).join('') : encode(run, ` ${added.join(' ')}`) });
  }
  if (cgo === null) {
    const at = blockStartOffset(model, instr);
    edits.push({ start: at, end: at, text: `ENV CGO_ENABLED=0${model.eol}` });
  }
  const pkgs = build.packages.map((w) => stripPkg(w.value));
  const spec: Spec = {
    runtimeImage: 'scratch',
    needsExec: true,
    builderEdits: edits,
    artefact,
    binName,
    isBinary({ abs, bare }) {
      // `go build` writes into the working directory; only an explicit -o into a bin directory is on PATH.
      if (bare) return out !== undefined && bare === binName && /^\/(usr\/(local\/)?)?s?bin\/|^\/go\/bin\//.test(artefact);
      if (!abs) return false;
      if (out) return dir !== null && abs === normJoin(dir, expand(out.value, instr.env));
      // Default output: <dir>/<name>; for `.` the module name, so trust the launcher's file name.
      const expectDir = dir ?? '<unknown>';
      return abs.replace(/\/[^/]*$/, '') === expectDir && (defaultName === null || abs.endsWith(`/${defaultName}`));
    },
    runArgs(args) {
      if (args[0] !== 'go' || args[1] !== 'run') return undefined;
      let i = 2;
      while (i < args.length && (args[i] as string).startsWith('-')) i += GO_VALUE_FLAGS.has((args[i] as string).replace(/^--?/, '')) ? 2 : 1;
      const target = args[i];
      if (!target) return null;
      // Files (`go run a.go b.go`) or one package; it must be what `go build` built.
      let j = i;
      const targets: string[] = [];
      while (j < args.length && (j === i || (args[j] as string).endsWith('.go'))) targets.push(stripPkg(args[j++] as string));
      const same =
        targets.join(' ') === pkgs.join(' ') || (pkgs.length === 0 && (targets[0] === '' || targets.every((t) => !t.includes('/') && t.endsWith('.go'))));
      return same ? args.slice(j) : null;
    },
  };
  if (binName === 'go') return null;
  return spec;
}

/** `cargo build` flags: release profile, target triple, bin/package name. */
function cargoBuild(call: Call): { profile: string; triple?: string; bin?: string } | null {
  const a = call.args.map((w) => w.value);
  let i = 0;
  while (a[i]?.startsWith('+')) i++;
  if (a[i] !== 'build') return null;
  let profile = 'debug';
  const r: { profile: string; triple?: string; bin?: string } = { profile };
  for (i++; i < a.length; i++) {
    const [k, inline] = (a[i] as string).split(/=(.*)/s);
    const val = (): string | undefined => inline ?? a[++i];
    if (k === '--release' || k === '-r') profile = 'release';
    else if (k === '--profile') profile = ((p) => (p === 'dev' ? 'debug' : (p ?? 'debug')))(val());
    else if (k === '--target') r.triple = val();
    else if (k === '--bin' || k === '-p' || k === '--package') r.bin = val();
    else if (k === '--target-dir' || k === '--manifest-path' || k === '--bins' || k === '--workspace' || k === '--examples') return null;
  }
  r.profile = profile;
  return r;
}

export function rustSpec(model: Model, stage: Stage, ref: ImageRef): Spec | null {
  const views = stageRunViews(model, stage);
  const found = views.flatMap((v) => v.calls.filter((c) => c.name === 'cargo').map((c) => ({ v, c, b: cargoBuild(c) }))).filter((x) => x.b);
  if (found.length !== 1) return null;
  const { v, c, b } = found[0] as { v: RunView; c: Call; b: NonNullable<ReturnType<typeof cargoBuild>> };
  if (v.instr.onbuild || v.instr.env.has('CARGO_TARGET_DIR') || v.instr.env.has('CARGO_BUILD_TARGET')) return null;
  const dir = callDir(stage, v, c, ref.official ? '/' : '<base>');
  if (!dir || !isConcrete(dir)) return null;
  const outDir = normJoin(dir, `target/${b.triple ? `${b.triple}/` : ''}${b.profile}`);
  // The binary's name: --bin/-p, else the launcher (`./target/release/app`, `/usr/local/bin/app`, `app`).
  const launcher = launcherOf(stage.instrs);
  let bin = b.bin;
  if (!bin && launcher) {
    const m = /^\[?\s*"?([^\s",\]]+)/.exec(launcher.args.trim());
    const prog = m?.[1] ?? '';
    if (prog !== 'cargo') bin = prog.replace(/^.*\//, '') || undefined;
  }
  if (!bin || !/^[\w.-]+$/.test(bin)) return null;
  const artefact = `${outDir}/${bin}`;
  const tag = ref.tag ?? '';
  const alpine = /alpine(\d+\.\d+)?/.exec(tag);
  const codename = /(bookworm|bullseye|buster|trixie|forky)/.exec(tag)?.[1];
  // A musl target links statically: nothing but the binary (and CA certificates) is needed.
  const musl = b.triple?.includes('musl') ?? false;
  // A registry prefix stays, as for the other stacks (`local/rust:1.63-bookworm` → `local/debian:bookworm-slim`).
  const prefix = ref.official ? '' : ref.repo.slice(0, ref.repo.lastIndexOf('/') + 1);
  const runtimeImage = musl
    ? 'scratch'
    : `${prefix}${alpine ? `alpine:${alpine[1] ?? 'latest'}` : codename ? `debian:${codename}-slim` : 'debian:stable-slim'}`;
  const name = bin;
  return {
    runtimeImage,
    needsExec: musl,
    builderEdits: [],
    artefact,
    binName: name,
    isBinary({ abs, bare }) {
      return bare ? bare === name : abs === artefact || (abs !== null && abs.endsWith(`/${name}`) && !abs.includes('/target/'));
    },
    runArgs(args) {
      if (args[0] !== 'cargo' || args[1] !== 'run') return undefined;
      const sep = args.indexOf('--');
      const own = sep >= 0 ? args.slice(2, sep) : args.slice(2);
      const release = own.includes('--release') || own.includes('-r');
      if (release !== (b.profile === 'release') || own.some((x) => x.startsWith('--target') || x.startsWith('--profile'))) return null;
      return sep >= 0 ? args.slice(sep + 1) : [];
    },
  };
}
