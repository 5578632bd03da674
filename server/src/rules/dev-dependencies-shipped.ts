import { defineRule } from '../kernel/rule.js';
import type { Fix } from '../kernel/types.js';
import type { Instr, Stage } from '../kernel/model.js';
import { docEnd } from '../kernel/run-script.js';
import { positionals } from '../kernel/commands.js';
import { callRange, stageRunViews } from '../analysis/run-views.js';
import { nodeInstalls, type NodeInstall } from '../analysis/package-managers/node-installs.js';
import { formatBytes } from '../analysis/package-managers/format.js';

/** A known saving from this size on is worth a squiggle (docs/quiet-policy.md); below it, or unknown: a hint. */
const BIG = 5_000_000;
const OMIT = { npm: '--omit=dev', yarn: '--production', pnpm: '--prod' } as const;
const BUILD = /\b(npm|pnpm|yarn)\s+(run\s+)?(build|compile|bundle)\b|\b(tsc|webpack|vite|rollup|esbuild|next|nuxt|ng|babel|swc|tsup)\b/;

/** A later RUN of the stage that removes dev dependencies itself (`npm prune --omit=dev`, a production reinstall). */
function prunedLater(stage: Stage, model: Parameters<typeof stageRunViews>[0], after: Instr): boolean {
  return stageRunViews(model, stage).some(
    (v) =>
      v.instr.line >= after.line &&
      v.calls.some((c) => {
        const a = c.args.map((w) => w.value);
        return (c.name === 'npm' || c.name === 'pnpm') && a[0] === 'prune' ? a.some((x) => /^--(omit=dev|production|prod)$/.test(x)) : false;
      }),
  );
}

/** A later RUN of the stage that builds (and may need dev tools): the line, or undefined. */
function buildLater(stage: Stage, after: Instr, install: NodeInstall): Instr | undefined {
  const runs = stage.instrs.filter((i) => i.keyword === 'RUN' && i.line >= after.line);
  // The install's own RUN counts from after the install (`npm ci && npm run build`).
  return runs.find((i) => BUILD.test(i === after ? i.args.slice(i.args.indexOf(install.call.nameWord.value)) : i.args));
}

/** `--omit=dev` after the install subcommand; none in exec form, none when a build follows (the conversion is the fix). */
function omitFix(inst: NodeInstall): Fix | undefined {
  const run = inst.instr.run;
  if (!run || run.form === 'exec') return undefined;
  const sub = positionals(inst.call)[0];
  const anchor = sub && ['ci', 'install', 'i', 'clean-install', 'isntall'].includes(sub.value) ? sub : inst.call.nameWord;
  const at = docEnd(run, anchor.end);
  const flag = OMIT[inst.manager];
  return { title: `Add ${flag} to ${inst.manager} ${anchor === sub ? sub.value : 'install'}`, safe: true, edits: [{ start: at, end: at, text: ` ${flag}` }] };
}

export default defineRule({
  id: 'DS019',
  name: 'dev-dependencies-shipped',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\b(ci|install|yarn)\b/,
  docs: {
    summary: 'npm ci / npm install / yarn install in the final image installs devDependencies',
    why: 'Without `--omit=dev` (`--production`, NODE_ENV=production) the install brings every devDependency and what it pulls in: compilers, bundlers, linters and test runners the running app never loads. TypeScript alone is 23 MB; tally counts `npm ci` without an omit flag in 129 of 201 real Dockerfiles that run it.',
    bad: 'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]',
    good: 'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]',
    notes:
      "Reads package.json and the lockfile from the build context (the editor's build context, `lint --context DIR`): the project is the folder a COPY of the stage brought package.json from before the install; without the context the rule says nothing. Fires on `npm ci`, `npm install` without package names, `yarn`/`yarn install` and `pnpm install` in the stages that ship (never in a builder stage, whose dev dependencies are what it is for) when package.json has devDependencies and nothing leaves them out: `--omit=dev`, `--omit dev`, `--production`, `--only=prod`, `--prod`, NODE_ENV=production (ENV, ARG, an assignment before the command or an `export` in the RUN), npm_config_omit=dev, NPM_CONFIG_PRODUCTION=true, or a later `npm prune --omit=dev`/`--production` in the stage. " +
      'The message names how many devDependencies package.json lists, how many packages the lockfile installs only for them and, when the registry sizes are cached (the same cache as the npm estimates), how big they are. Quiet policy: a warning when that size is known and at least 5 MB; a hint when it is smaller or unknown. ' +
      'The fix (safe) adds `--omit=dev` (npm), `--production` (yarn) or `--prod` (pnpm) after the install subcommand. There is no such fix when a later RUN of the stage (or the rest of the same RUN) builds (`npm run build`, `tsc`, webpack, vite, …), which needs the dev tools: the message points to the multi-stage conversion (DS010), which builds with them and installs production dependencies afresh in the final stage; none either for an exec-form RUN.',
    seeAlso: ['tally prefer-npm-ci-omit-dev', 'dockershrink production dependencies'],
  },
  check(ctx) {
    const projects = ctx.options.context?.node;
    if (!projects?.length) return;
    // Only stages whose files ship: dev dependencies in a builder stage are what it is for.
    for (const stage of ctx.model.stages.filter((s) => s.shipped)) {
      for (const inst of nodeInstalls(ctx.model, stage, projects)) {
        const p = inst.project;
        if (inst.production || !p || p.devDependencies.length === 0 || prunedLater(stage, ctx.model, inst.instr)) continue;
        const run = inst.instr.run;
        if (!run) continue;
        const lockDev = p.devShare?.packages ?? p.lock?.lockfile?.entries.filter((e) => e.dev).length;
        const n = p.devDependencies.length;
        const sized =
          p.devShare && p.devShare.unknown === 0
            ? ` (≈${formatBytes(p.devShare.bytes)})`
            : p.devShare?.bytes
              ? ` (≈${formatBytes(p.devShare.bytes)} or more)`
              : '';
        const pkgs = lockDev !== undefined ? `: ${lockDev} package${lockDev === 1 ? '' : 's'} by ${p.lock?.file ?? 'the lockfile'}${sized}` : '';
        const where = p.dir ? `${p.dir}/package.json` : 'package.json';
        const build = buildLater(stage, inst.instr, inst);
        const fix = build ? undefined : omitFix(inst);
        const known = p.devShare && p.devShare.unknown === 0 && p.devShare.bytes >= BIG;
        ctx.report({
          instr: inst.instr,
          ...callRange(run, inst.call),
          message: build
            ? `${inst.manager} installs the ${n} devDependenc${n === 1 ? 'y' : 'ies'} of ${where} into the image${pkgs}. Line ${build.line + 1} builds with them: build in a builder stage and install with ${OMIT[inst.manager]} in the final one (DS010's conversion).`
            : `${inst.manager} installs the ${n} devDependenc${n === 1 ? 'y' : 'ies'} of ${where} into the image${pkgs}. Add ${OMIT[inst.manager]}.`,
          ...(fix ? { fix } : {}),
          ...(known ? {} : { quiet: true as const }),
        });
      }
    }
  },
});
