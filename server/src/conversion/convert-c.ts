/**
 * DS010 for C/C++ built from source (configure/make, CMake, Ninja): the install step writes into
 * a staged tree (`make DESTDIR=/out install`, `DESTDIR=/out cmake --install …`), and the runtime
 * stage, Debian slim of the builder's release, copies `/out/` onto `/`. Packages the stage
 * installs that are not build tools are installed again in the runtime stage. No conversion for
 * `-dev` libraries (their runtime package cannot be told from the name), C++ on the gcc image
 * (its libstdc++ lives in /usr/local and is newer than Debian's), commands after the install that
 * may use installed files, a launcher from the source tree, or shell tricks.
 */
import type { Model, Stage } from '../kernel/model.js';
import type { Call } from '../kernel/commands.js';
import { docStart } from '../kernel/run-script.js';
import { insertAfterWord } from '../kernel/edits.js';
import type { Edit } from '../kernel/types.js';
import { FILE_CMDS, USER_CMDS, convertApp, plainRuns } from './multi-stage-app.js';
import { installStep, installedPackages } from '../analysis/package-managers/install-steps.js';
import { launchArgs, launcherOf, normJoin, workdirAt } from './multi-stage.js';
import { cRuntime } from '../analysis/images/runtime-images.js';
import type { RunView } from '../analysis/run-views.js';

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
const FETCH_CMDS = new Set(['tar', 'wget', 'curl', 'gzip', 'gunzip', 'xz', 'unzip', 'sha256sum', 'cd']);
const AFTER_INSTALL = new Set(['cd', 'rm', 'ldconfig', 'true', 'echo', 'apt-get', 'apt', ...USER_CMDS]);
const CXX = new Set(['g++', 'c++', 'clang++', 'cmake']);

export interface CResult {
  edits: Edit[];
  runtimeImage: string;
}

export function convertC(model: Model, stage: Stage, gccImage: boolean): CResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  const runtimePkgs: string[] = [];
  const builderEdits: Edit[] = [];
  let installed = false;
  let ldconfig = false;
  for (const v of views) {
    if (v.run.form !== 'shell') return null;
    for (const c of v.calls) {
      const name = c.name.replace(/^\.\//, '');
      const a = c.args.map((w) => w.value);
      if (gccImage && CXX.has(name)) return null;
      if (a.some((x) => x.startsWith('DESTDIR=')) || c.cmd.assigns.some((w) => w.value.startsWith('DESTDIR=')) || v.instr.env.has('DESTDIR')) return null;
      const step = installStep(c);
      if (step) {
        installed = true;
        const e = step === 'arg' ? insertAfterWord(v.instr, c.nameWord, `DESTDIR=${STAGE_DIR}`) : envPrefix(v, c);
        if (!e) return null;
        builderEdits.push(e);
        continue;
      }
      if (name === 'ldconfig') ldconfig = true;
      if (installed && !AFTER_INSTALL.has(name)) return null; // it may read what was installed (now under /out)
      if (c.name === 'apt-get' || c.name === 'apt') {
        const sub = a.find((x) => !x.startsWith('-'));
        if (sub === 'install') {
          const pkgs = installedPackages(c);
          if (!pkgs) return null;
          for (const p of pkgs) {
            if (/-dev$/.test(p) && !BUILD_TOOLS.has(p)) return null;
            if (!BUILD_TOOLS.has(p) && !runtimePkgs.includes(p)) runtimePkgs.push(p);
          }
        } else if (!['update', 'clean', 'autoremove', 'purge', 'remove', 'autoclean'].includes(sub ?? '')) return null;
        continue;
      }
      if (COMPILE_CMDS.has(name) || FETCH_CMDS.has(name) || FILE_CMDS.has(name) || USER_CMDS.has(name) || name === 'ldconfig') continue;
      return null;
    }
  }
  if (!installed) return null;

  const launcher = launcherOf(stage.instrs);
  if (!launcher) return null;
  const prog = launchArgs(launcher)?.args[0];
  if (!prog) return null;
  if (prog.includes('/') && (!prog.startsWith('/') || normJoin(workdirAt(stage, launcher, '/'), prog).startsWith(workdirAt(stage, launcher, '/') + '/'))) {
    return null; // a program in the source tree, not an installed one
  }
  const runtimeImage = cRuntime(stage);
  if (!runtimeImage) return null;
  const esc = model.escape;
  const runs = runtimePkgs.length
    ? [`RUN apt-get update ${esc}`, `    && apt-get install -y --no-install-recommends ${runtimePkgs.join(' ')} ${esc}`, `    && rm -rf /var/lib/apt/lists/*`]
    : [];
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `the installed files (staged with DESTDIR=${STAGE_DIR}), not the compilers or the source tree`,
    builderEdits,
    head: () => [],
    runs,
    copies: (b) => [`COPY --from=${b} ${STAGE_DIR}/ /`],
    after: ldconfig ? ['RUN ldconfig'] : [],
    probes: new Set(),
  });
  return edits ? { edits, runtimeImage } : null;
}

function envPrefix(v: RunView, c: Call): Edit | null {
  if (v.run.script.unterminated) return null;
  const at = docStart(v.run, c.nameWord.start);
  return { start: at, end: at, text: `DESTDIR=${STAGE_DIR} ` };
}
