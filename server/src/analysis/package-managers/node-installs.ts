/**
 * The RUNs that install a Node project's dependencies from its lockfile (`npm ci`, `npm install` without package
 * names, `yarn` / `yarn install`, `pnpm install`), whether they leave dev dependencies out (`--omit=dev`,
 * `--production`, `--only=prod`, `--prod`, NODE_ENV=production from ENV/ARG or the command's own assignments,
 * npm_config_omit=dev / NPM_CONFIG_PRODUCTION), and which Node project of the build context they install: the folder a
 * COPY of the stage brought package.json from into the install's working directory.
 */
import { positionals, type Call } from '../../kernel/commands.js';
import type { Instr, Model, Stage } from '../../kernel/model.js';
import { copySources, hasVariable, normaliseSource } from '../../../../common/src/build-context/copy-sources.js';
import type { NodeProject } from '../../../../common/src/build-context/node-projects.js';
import type { NodeManager } from '../../../../common/src/npm-registry/estimate.js';
import { stageRunViews } from '../run-views.js';
import { exportedBefore } from './manager-commands.js';

export interface NodeInstall {
  instr: Instr;
  call: Call;
  manager: NodeManager;
  /** `npm ci`, or an install that reads the lockfile as it is (`--frozen-lockfile`, `--immutable`). */
  frozen: boolean;
  /** Dev dependencies left out. */
  production: boolean;
  /** The context's Node project it installs, when the caller measured the context. */
  project?: NodeProject;
}

/** npm/yarn options that take a separate value. */
export const VALUE_OPTS: ReadonlySet<string> = new Set([
  '--omit',
  '--include',
  '--only',
  '--prefix',
  '--cache',
  '--registry',
  '--workspace',
  '-w',
  '--modules-folder',
  '--cwd',
]);

/** The install a call runs, or undefined (npm install with package names adds packages; that is not this). */
export function installKind(call: Call): { manager: NodeManager; frozen: boolean } | undefined {
  const pos = positionals(call, VALUE_OPTS).map((w) => w.value);
  const a = call.args.map((w) => w.value);
  if (call.name === 'npm') {
    if (pos[0] === 'ci' || pos[0] === 'clean-install') return { manager: 'npm', frozen: true };
    if (['install', 'i', 'isntall'].includes(pos[0] ?? '') && pos.length === 1) return { manager: 'npm', frozen: false };
  }
  if (call.name === 'yarn' && (pos.length === 0 || (pos[0] === 'install' && pos.length === 1))) {
    return { manager: 'yarn', frozen: a.includes('--frozen-lockfile') || a.includes('--immutable') };
  }
  if (call.name === 'pnpm' && ['install', 'i'].includes(pos[0] ?? '') && pos.length === 1) return { manager: 'pnpm', frozen: a.includes('--frozen-lockfile') };
  return undefined;
}

/** Does the call (with its environment) leave dev dependencies out? */
export function omitsDev(call: Call, env: (name: string) => string | undefined): boolean {
  const a = call.args.map((w) => w.value);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as string;
    const next = a[i + 1] ?? '';
    if (v === '--omit=dev' || (v === '--omit' && next === 'dev')) return true;
    if (v === '--production' || v === '--production=true' || v === '--prod' || v === '-P') return true;
    if (/^--only=prod(uction)?$/.test(v) || (v === '--only' && /^prod(uction)?$/.test(next))) return true;
  }
  if (a.some((v) => v === '--include=dev' || v === '--production=false' || v === '--prod=false')) return false;
  if (/^production$/i.test(env('NODE_ENV') ?? '')) return true;
  if (/(^|[\s,])dev($|[\s,])/.test(env('npm_config_omit') ?? env('NPM_CONFIG_OMIT') ?? '')) return true;
  return /^true$/i.test(env('NPM_CONFIG_PRODUCTION') ?? env('npm_config_production') ?? '');
}

/** The context folder the stage's COPYs brought package.json from into `workdir` (last such COPY wins). */
function projectFor(stage: Stage, before: Instr, projects: readonly NodeProject[]): NodeProject | undefined {
  let found: NodeProject | undefined;
  for (const i of stage.instrs) {
    if (i === before) break;
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.onbuild) continue;
    for (const src of copySources(i.args) ?? []) {
      if (hasVariable(src)) continue;
      const s = normaliseSource(src);
      const dir = s === '.' ? '' : /(^|\/)(package[^/]*\.json|yarn\.lock)$/.test(s) ? (s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : '') : s;
      found = projects.find((p) => p.dir === dir) ?? found;
    }
  }
  return found;
}

/** Every lockfile install of the stage (and its FROM ancestors when `inherited`), in order. */
export function nodeInstalls(model: Model, stage: Stage, projects: readonly NodeProject[] = []): NodeInstall[] {
  const out: NodeInstall[] = [];
  for (const v of stageRunViews(model, stage)) {
    if (v.instr.onbuild) continue;
    for (const call of v.calls) {
      const kind = installKind(call);
      if (!kind) continue;
      const own = new Map(call.cmd.assigns.map((w) => [w.value.split('=')[0] ?? '', w.value.slice(w.value.indexOf('=') + 1)]));
      const env = (name: string): string | undefined => own.get(name) ?? exportedBefore(v.run, call.cmd, name) ?? v.instr.env.get(name);
      const project = projectFor(stage, v.instr, projects);
      out.push({ instr: v.instr, call, ...kind, production: omitsDev(call, env), ...(project ? { project } : {}) });
    }
  }
  return out;
}
