/**
 * DS010 for C/C++ built from source (configure/make, CMake, Ninja): the install step writes into
 * a staged tree (`make DESTDIR=/out install`, `DESTDIR=/out cmake --install …`), and the runtime
 * stage, Debian slim of the builder's release, copies `/out/` onto `/` and runs `ldconfig`. Packages
 * the stage installs that are not build tools are installed again in the runtime stage; a `-dev`
 * package is replaced by the libraries a program built against it loads (runtime-libs.ts: the
 * package index, else a reviewed table; unknown → no conversion), gcc's runtime libraries are kept,
 * and `ca-certificates` goes beside a TLS library. Downloads piped into tar, checksums piped into
 * `sha256sum -c` and `make -j"$(nproc)"` are followed; commands after the install that use the
 * installed files move to the runtime stage (c-after-install.ts). No conversion for C++ on the gcc
 * image (its libstdc++ lives in /usr/local and is newer than Debian's), a build after the install,
 * a launcher from the source tree, or other shell tricks.
 */
import type { Model, Stage } from '../kernel/model.js';
import type { Call } from '../kernel/commands.js';
import { docStart } from '../kernel/run-script.js';
import { insertAfterWord } from '../kernel/edits.js';
import type { Edit, LintOptions } from '../kernel/types.js';
import { FILE_CMDS, USER_CMDS, convertApp, isBareAssignment, plainRuns } from './multi-stage-app.js';
import { installStep, installedPackages } from '../analysis/package-managers/install-steps.js';
import { launchArgs, launcherOf, normJoin, workdirAt } from './multi-stage.js';
import { cRuntime } from '../analysis/images/runtime-images.js';
import type { RunView } from '../analysis/run-views.js';
import { runtimeLibLookup } from '../analysis/package-managers/build-deps-purge.js';
import { afterInstall, moveAfterInstall } from './c-after-install.js';

const STAGE_DIR = '/out';
const BUILD_TOOLS = new Set([
  'build-essential',
  'gcc',
  'g++',
  'cpp',
  'clang',
  'make',
  'cmake',
  'ninja-build',
  'autoconf',
  'automake',
  'libtool',
  'pkg-config',
  'pkgconf',
  'bison',
  'flex',
  'm4',
  'patch',
  'git',
  'wget',
  'curl',
  'xz-utils',
  'bzip2',
  'unzip',
  'file',
  'gnupg',
  'dirmngr',
  'libc6-dev',
  'linux-libc-dev',
]);
const COMPILE_CMDS = new Set([
  'configure',
  'make',
  'cmake',
  'ninja',
  'gcc',
  'cc',
  'g++',
  'c++',
  'clang',
  'clang++',
  'autoreconf',
  'autogen.sh',
  'bootstrap',
  'strip',
]);
const FETCH_CMDS = new Set([
  'tar',
  'wget',
  'curl',
  'git',
  'gzip',
  'gunzip',
  'xz',
  'bzip2',
  'unzip',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'md5sum',
  'gpg',
  'sed',
  'patch',
  'cd',
  'set',
]);
const CXX = new Set(['g++', 'c++', 'clang++', 'cmake']);
/** Pipelines the conversion follows: a download or a checksum line fed to an unpacker or a checker. */
const PIPE_FROM = new Set(['curl', 'wget', 'echo', 'printf', 'cat']);
const PIPE_TO = new Set(['tar', 'gunzip', 'gzip', 'xz', 'bzip2', 'sha1sum', 'sha256sum', 'sha512sum', 'md5sum']);
/** `make -j"$(nproc)"`: the only command substitutions followed. */
const JOBS = /\$\((?:nproc(?: --all)?|getconf _NPROCESSORS_ONLN)\)/g;
/** Libraries that speak TLS: the runtime stage keeps the CA store beside them. */
const TLS_LIBS = /^(libcurl4|libcurl3-gnutls|libcurl3-nss|libssl\d|libgnutls\d+|libnss3|libwolfssl\d+|libmbedtls\d+)$/;

export interface CResult {
  edits: Edit[];
  runtimeImage: string;
  /** What to check before applying (Fix.unsafeReason), when more than the usual. */
  caveat?: string;
}

export function convertC(model: Model, stage: Stage, gccImage: boolean, options: LintOptions = {}): CResult | null {
  const views = plainRuns(model, stage, {
    pipe: (calls) => PIPE_FROM.has(calls[0]!.name) && calls.slice(1).every((c) => PIPE_TO.has(c.name)),
    substitution: (raw) => !/[`]|\$\(/.test(raw.replace(JOBS, '')),
    bareAssignments: true,
  });
  if (!views) return null;
  // `DESTDIR=/x && make install` stages the install elsewhere already.
  if (views.some((v) => v.run.script.commands.some((c) => isBareAssignment(c) && c.assigns.some((w) => w.value.startsWith('DESTDIR='))))) return null;
  const launcher = launcherOf(stage.instrs);
  if (!launcher) return null;
  const prog = launchArgs(launcher)?.args[0];
  if (!prog) return null;
  if (prog.includes('/') && (!prog.startsWith('/') || normJoin(workdirAt(stage, launcher, '/'), prog).startsWith(workdirAt(stage, launcher, '/') + '/'))) {
    return null; // a program in the source tree, not an installed one
  }
  const lookup = runtimeLibLookup(options, stage);
  const runtimePkgs: string[] = [];
  const aptPkgs: string[] = [];
  const builderEdits: Edit[] = [];
  const moves = new Map<RunView, number[]>();
  let installed = false;
  let followsDestdir = false;
  const add = (p: string): void => void (runtimePkgs.includes(p) || runtimePkgs.push(p));
  for (const v of views) {
    if (v.run.form !== 'shell') return null;
    for (const c of v.calls) {
      const name = c.name.replace(/^\.\//, '');
      const a = c.args.map((w) => w.value);
      if (gccImage && CXX.has(name)) return null;
      if (a.some((x) => x.startsWith('DESTDIR=')) || c.cmd.assigns.some((w) => w.value.startsWith('DESTDIR=')) || v.instr.env.has('DESTDIR')) return null;
      if (['configure', 'cmake', 'meson', 'ninja'].includes(name)) followsDestdir = true; // generated installs honour DESTDIR
      const step = installStep(c);
      if (step) {
        installed = true;
        const e = step === 'arg' ? insertAfterWord(v.instr, c.nameWord, `DESTDIR=${STAGE_DIR}`) : envPrefix(v, c);
        if (!e) return null;
        builderEdits.push(e);
        continue;
      }
      if (c.name === 'apt-get' || c.name === 'apt') {
        const sub = a.find((x) => !x.startsWith('-'));
        if (sub === 'install') {
          const pkgs = installedPackages(c, v.instr.env);
          if (!pkgs) return null;
          for (const p of pkgs) {
            aptPkgs.push(p);
            if (BUILD_TOOLS.has(p)) continue;
            if (!/-(dev|devel)$/.test(p)) add(p);
            else {
              // The -dev package stays in the builder; the libraries a program built against it loads go to the runtime.
              const libs = lookup.libsOf(p);
              if (!libs) return null;
              libs.forEach(add);
            }
          }
        } else if (!['update', 'clean', 'autoremove', 'purge', 'remove', 'autoclean'].includes(sub ?? '')) return null;
        continue;
      }
      if (installed) {
        const where = afterInstall(c, prog);
        if (!where) return null;
        // Indexes of the script's commands (bare assignments are commands, not calls).
        if (where === 'move') moves.set(v, [...(moves.get(v) ?? []), v.run.script.commands.indexOf(c.cmd)]);
        continue;
      }
      if (COMPILE_CMDS.has(name) || FETCH_CMDS.has(name) || FILE_CMDS.has(name) || USER_CMDS.has(name) || name === 'ldconfig') continue;
      return null;
    }
  }
  if (!installed) return null;
  const runtimeImage = cRuntime(stage);
  if (!runtimeImage) return null;
  if (moves.size && stage.instrs.some((i) => i.keyword === 'USER' && !i.onbuild)) return null; // moved commands would run as another user
  if ([...moves.keys()].some((v) => v.run.script.commands.some(isBareAssignment))) return null; // a moved command may read the variable
  const moved = moveAfterInstall(model, moves);
  if (!moved) return null;
  // gcc's own runtime libraries (libgomp1 for -fopenmp, libatomic1) and the CA store beside a TLS library.
  lookup.gccLibs(aptPkgs).forEach(add);
  if (runtimePkgs.some((p) => TLS_LIBS.test(p))) add('ca-certificates');
  const esc = model.escape;
  const runs = runtimePkgs.length
    ? [`RUN apt-get update ${esc}`, `    && apt-get install -y --no-install-recommends ${runtimePkgs.join(' ')} ${esc}`, `    && rm -rf /var/lib/apt/lists/*`]
    : [];
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `the installed files (staged with DESTDIR=${STAGE_DIR}), not the compilers or the source tree`,
    builderEdits: [...builderEdits, ...moved.edits],
    head: () => [],
    runs,
    copies: (b) => [`COPY --from=${b} ${STAGE_DIR}/ /`],
    // Libraries installed under /usr/local/lib load only once the linker cache knows them; the builder's cache stays there.
    after: ['RUN ldconfig', ...moved.lines],
    probes: new Set(),
  });
  if (!edits) return null;
  const notes = [
    ...(followsDestdir ? [] : [`a hand-written Makefile must honour DESTDIR, or ${STAGE_DIR} stays empty`]),
    ...(moved.lines.length ? ['the commands after the install run in the runtime stage'] : []),
  ];
  return { edits, runtimeImage, ...(notes.length ? { caveat: notes.join('; ') } : {}) };
}

function envPrefix(v: RunView, c: Call): Edit | null {
  if (v.run.script.unterminated) return null;
  const at = docStart(v.run, c.nameWord.start);
  return { start: at, end: at, text: `DESTDIR=${STAGE_DIR} ` };
}
