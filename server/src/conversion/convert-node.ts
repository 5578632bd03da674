/**
 * DS010 for Node (npm, Yarn 1, pnpm): the stage that installs every dependency and runs the build
 * script becomes the builder. For npm and Yarn 1 production dependencies are installed afresh in a
 * `prod-deps` stage built FROM the builder (its manifests, lockfile and build tools for native
 * modules): `npm ci --omit=dev` / `yarn install --production --frozen-lockfile` with the install RUN's
 * own flags and mounts; the runtime stage (the slim variant of the node image, which needs no npm)
 * copies that node_modules, then the builder's app directory, whose node_modules is removed after
 * the builder's last RUN. `npm prune --omit=dev` is not trusted (npm/cli #8277 leaves dev
 * dependencies, #8596 removed a production one). pnpm and a USER before the builder's last RUN keep
 * the prune right after the last package-manager step. Code generated into node_modules at install time (Prisma's client, a
 * `postinstall`/`prepare` build) makes the fix say why it is unsafe. Anything else the stage does
 * (global installs, system packages the app may need, files outside the app directory, launchers we
 * cannot place) means no conversion.
 */
import type { Instr, Model, Stage } from '../kernel/model.js';
import type { NodeProject } from '../../../common/src/build-context/node-projects.js';
import { positionals, type Call } from '../kernel/commands.js';
import { VALUE_OPTS } from '../analysis/package-managers/node-installs.js';
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
  /** Production dependencies installed afresh in the runtime stage (else pruned in the builder). */
  fresh: boolean;
  /** Why the fix needs a look before it is applied, beyond every conversion's reasons. */
  caveat?: string;
}

/**
 * The builder's install arguments the production install keeps, as written (values and `$VAR`s too): all but the
 * subcommand and the options that choose dev dependencies (`--omit`, `--include`, `--only`, `--production`, …).
 */
function keptArgs(call: Call): string[] {
  const sub = positionals(call, VALUE_OPTS)[0];
  const out: string[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const w = call.args[i] as Call['args'][number];
    if (w === sub) continue;
    if (/^--(omit|include|only)$/.test(w.value)) {
      i++;
      continue;
    }
    if (/^--(omit|include|only|production|prod|frozen-lockfile)(=|$)/.test(w.value)) continue;
    out.push(w.raw);
  }
  return out;
}

interface Fresh {
  /** The production-dependencies stage (built FROM the builder, so native modules find its build tools). */
  stage: (builder: string) => string[];
  /** The builder's last RUN: node_modules is removed right after it. */
  lastRun: Instr;
}

const DEPS = 'prod-deps';

/** A fresh production install in its own stage, or null when the builder's cannot be repeated (then: prune). */
function freshInstall(model: Model, stage: Stage, manager: Manager, installCall: Call, installInstr: Instr): Fresh | null {
  if (manager === 'pnpm' || model.stages.some((s) => s.name?.toLowerCase() === DEPS)) return null;
  const runs = stage.instrs.filter((i) => i.keyword === 'RUN');
  const lastRun = runs[runs.length - 1] as Instr;
  // node_modules is removed as the builder's user: a USER switch before that RUN could make it fail.
  const users = stage.instrs.filter((i) => i.keyword === 'USER');
  if (users.some((i) => i.line < lastRun.line)) return null;
  const ci = manager === 'npm' && installCall.args.some((w) => w.value === 'ci' || w.value === 'clean-install');
  const flags = keptArgs(installCall);
  // The RUN's own flags (`--mount=type=cache,…`, a bind mount of an offline cache) serve the new install too.
  const runFlags = /^(?:--\S+\s+)+/.exec(installInstr.args)?.[0] ?? '';
  // A cache mount holds the cache outside the layer: cleaning it would only empty the mount.
  const clean = /type=cache/.test(runFlags) ? '' : manager === 'npm' ? ' && npm cache clean --force' : ' && yarn cache clean';
  const install =
    manager === 'npm'
      ? `RUN ${runFlags}${['npm', ci ? 'ci' : 'install', ...flags, '--omit=dev'].join(' ')}${clean}`
      : `RUN ${runFlags}${['yarn', 'install', ...flags, '--production', '--frozen-lockfile'].join(' ')}${clean}`;
  return {
    lastRun,
    stage: (b) => [
      `# Production dependencies (Dockerfile Slim DS010): installed afresh, without devDependencies (npm prune is not trusted for this).`,
      `FROM ${b} AS ${DEPS}`,
      // The install ran as root before the builder's USER; the same here.
      ...(users.length ? ['USER root'] : []),
      install,
      '',
    ],
  };
}

/** Code generated into node_modules at install or build time, which a fresh production install may not recreate. */
function generatedCode(stage: Stage, project: NodeProject | undefined): string | undefined {
  const prisma = stage.instrs.find((i) => i.keyword === 'RUN' && /\bprisma\s+generate\b/.test(i.args));
  if (prisma) return `line ${prisma.line + 1} generates Prisma's client into node_modules, which the fresh production install does not`;
  if (project?.prisma) return `${project.dir ? `${project.dir}/` : ''}package.json uses Prisma, whose client is generated into node_modules`;
  const scripts = Object.entries(project?.installScripts ?? {});
  if (scripts.length) {
    const [name, body] = scripts[0] as [string, string];
    return `package.json's ${name} script (${body.slice(0, 60)}) runs again in the production install, without dev dependencies`;
  }
  return undefined;
}

export function convertNode(model: Model, stage: Stage, projects: readonly NodeProject[] = []): NodePlanResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  const dir = appDir(stage);
  if (!dir || !copiesInside(stage, [dir])) return null;
  const managers = new Set<Manager>();
  let lastNodeRun = null;
  let firstInstall: { call: Call; instr: Instr } | undefined;
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
          firstInstall ??= { call: c, instr: v.instr };
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
  if (!runtimeImage || !firstInstall) return null;
  const fresh = freshInstall(model, stage, manager, firstInstall.call, firstInstall.instr);
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: fresh
      ? `production dependencies from ${DEPS}, then the built app (${dir}) without the builder's node_modules`
      : `the built app and its production dependencies (${dir}), not the build toolchain or dev dependencies`,
    builderEdits: [fresh ? insertAfterInstr(model, fresh.lastRun, [`RUN rm -rf ${dir}/node_modules`]) : insertAfterInstr(model, lastNodeRun, [PRUNE[manager]])],
    head: () => [],
    stagesBefore: fresh?.stage,
    runs: [],
    copies: (b) => [...(fresh ? [`COPY --from=${DEPS} ${dir}/node_modules ${dir}/node_modules`] : []), `COPY --from=${b} ${dir} ${dir}`],
    after: [],
    probes: new Set(['node']),
  });
  if (!edits) return null;
  const project = projects.find((p) => p.lock || p.dependencies) ?? projects[0];
  const caveat = fresh ? generatedCode(stage, project) : undefined;
  return { edits, runtimeImage, fresh: !!fresh, ...(caveat ? { caveat } : {}) };
}
