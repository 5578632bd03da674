/**
 * DS010 for Node (npm, Yarn 1, pnpm): the stage that installs every dependency and runs the build
 * script becomes the builder; right after its last package-manager step the dev dependencies are
 * pruned (`npm prune --omit=dev`, `pnpm prune --prod`, Yarn 1 `install --production`), and the
 * app directory (built output, package.json, production node_modules) is copied onto the slim
 * variant of the node image. Anything else the stage does (global installs, system packages the
 * app may need, files outside the app directory, launchers we cannot place) means no conversion.
 */
import type { Model, Stage } from '../kernel/model.js';
import type { Call } from '../kernel/commands.js';
import { isNodeBuild } from '../analysis/images/base-images.js';
import { FILE_CMDS, USER_CMDS, appDir, buildOnlyPackages, convertApp, copiesInside, insertAfterInstr, plainRuns } from './multi-stage-app.js';
import { launchArgs, launcherOf, normJoin, workdirAt } from './multi-stage.js';
import { slimNode } from '../analysis/images/runtime-images.js';
import type { Edit } from '../kernel/types.js';

type Manager = 'npm' | 'yarn' | 'pnpm';

/** Packages installed only to build native modules (node-gyp) or fetch git dependencies. */
const BUILD_PKGS = new Set(['python3', 'python', 'make', 'g++', 'gcc', 'build-base', 'build-essential', 'git', 'libc6-compat', 'ca-certificates']);
const NODE_CMDS = new Set(['npm', 'yarn', 'pnpm', 'npx', 'node', 'corepack']);
const LAUNCHERS = new Set(['node', 'npm', 'yarn', 'npx', 'docker-entrypoint.sh']);

function managerOf(call: Call): Manager | null {
  const a = call.args.map((w) => w.value).filter((v) => !v.startsWith('-'));
  if (call.name === 'npm') return ['install', 'i', 'ci', 'add', 'isntall'].includes(a[0] ?? '') ? 'npm' : null;
  if (call.name === 'yarn') return a.length === 0 || a[0] === 'install' ? 'yarn' : null;
  if (call.name === 'pnpm') return a[0] === 'install' || a[0] === 'i' ? 'pnpm' : null;
  return null;
}

const PRUNE: Record<Manager, string> = {
  npm: 'RUN npm prune --omit=dev',
  pnpm: 'RUN pnpm prune --prod',
  yarn: 'RUN yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline',
};

export interface NodePlanResult {
  edits: Edit[];
  runtimeImage: string;
}

export function convertNode(model: Model, stage: Stage): NodePlanResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  const dir = appDir(stage);
  if (!dir || !copiesInside(stage, [dir])) return null;
  const managers = new Set<Manager>();
  let lastNodeRun = null;
  for (const v of views) {
    for (const c of v.calls) {
      const a = c.args.map((w) => w.value);
      if (c.name === 'cd') return null; // the prune must run where package.json is: the final WORKDIR
      if (NODE_CMDS.has(c.name)) {
        if (a.some((x) => x === '-g' || x === '--global' || x === '--prefix' || x === '--location=global') || a[0] === 'global') return null;
        if (c.name === 'npm' && (a[0] === 'link' || a[0] === 'pack')) return null;
        const m = managerOf(c);
        if (m) {
          if (workdirAt(stage, v.instr, '/') !== dir) return null;
          if (m === 'yarn' && !a.includes('--frozen-lockfile')) return null; // Yarn 2+ has no --production
          managers.add(m);
        }
        if (m || isNodeBuild(c)) lastNodeRun = v.instr;
        continue;
      }
      if (FILE_CMDS.has(c.name) || USER_CMDS.has(c.name)) continue;
      if (buildOnlyPackages(c, (p) => BUILD_PKGS.has(p))) continue;
      return null;
    }
  }
  if (managers.size !== 1 || !lastNodeRun) return null;
  const manager = [...managers][0] as Manager;

  const launcher = launcherOf(stage.instrs);
  if (!launcher) return null; // the base image's CMD (a REPL) is not what the app runs
  const la = launchArgs(launcher);
  const prog = la?.args[0];
  if (!prog) return null;
  if (prog.includes('/')) {
    const abs = normJoin(workdirAt(stage, launcher, '/'), prog);
    if (!abs.startsWith(dir + '/')) return null;
  } else if (!LAUNCHERS.has(prog)) return null;

  const runtimeImage = slimNode(stage.image);
  if (!runtimeImage) return null;
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `the built app and its production dependencies (${dir}), not the build toolchain or dev dependencies`,
    builderEdits: [insertAfterInstr(model, lastNodeRun, [PRUNE[manager]])],
    head: () => [],
    runs: [],
    copies: (b) => [`COPY --from=${b} ${dir} ${dir}`],
    after: [],
    probes: new Set(['node']),
  });
  return edits ? { edits, runtimeImage } : null;
}
