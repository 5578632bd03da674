import { cleansDir, hasFlag, positionals, type Call } from '../kernel/commands.js';
import { appendCommand } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import { cacheMountFix } from '../analysis/package-managers/cache-mounts.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { composerFindings } from '../analysis/package-managers/composer-cache.js';
import { homePaths, instrText, mountCovers, optionValue, priorInstrs, wordValue } from '../analysis/package-managers/manager-commands.js';

const NPM_INSTALL = new Set([
  'install',
  'i',
  'in',
  'ins',
  'inst',
  'insta',
  'instal',
  'isnt',
  'isnta',
  'isntal',
  'isntall',
  'add',
  'ci',
  'clean-install',
  'ic',
  'install-clean',
  'isntall-clean',
  'install-test',
  'it',
  'install-ci-test',
  'cit',
  'update',
  'up',
  'upgrade',
  'udpate',
]);
const NPM_VALUE_OPTS = new Set([
  '--cache',
  '--prefix',
  '--registry',
  '--loglevel',
  '-w',
  '--workspace',
  '--omit',
  '--include',
  '--tag',
  '--userconfig',
  '--globalconfig',
  '--before',
  '--install-strategy',
]);
const YARN_VALUE_OPTS = new Set([
  '--cache-folder',
  '--modules-folder',
  '--cwd',
  '--network-timeout',
  '--mutex',
  '--global-folder',
  '--registry',
  '--link-folder',
  '--network-concurrency',
  '--preferred-cache-folder',
  '--use-yarnrc',
]);
// Yarn 1 as root (the node images) caches in /usr/local/share/.cache/yarn, other users in ~/.cache/yarn;
// Yarn 2+ in ~/.yarn/berry/cache (global cache) or the project's .yarn/cache.
const YARN_CACHES = ['/usr/local/share/.cache/yarn', ...homePaths('.cache/yarn'), ...homePaths('.yarn/berry/cache')];

type Kind = 'npm' | 'yarn';

/** Is this an install that fills the npm or yarn cache? */
function installKind(call: Call): Kind | undefined {
  if (call.name === 'npm') {
    const sub = positionals(call, NPM_VALUE_OPTS)[0]?.value;
    return sub !== undefined && NPM_INSTALL.has(sub) ? 'npm' : undefined;
  }
  if (call.name === 'yarn') {
    const [sub, second] = positionals(call, YARN_VALUE_OPTS).map((w) => w.value);
    // Bare `yarn` (maybe with flags) is `yarn install`.
    if (sub === undefined || sub === 'install' || sub === 'add' || sub === 'upgrade') return 'yarn';
    if ((sub === 'global' && second === 'add') || (sub === 'workspaces' && second === 'focus')) return 'yarn';
  }
  return undefined;
}

/** Directories holding the cache this call fills (with `--cache`/`--cache-folder` or the env var honoured). */
function cacheDirs(kind: Kind, call: Call, env: ReadonlyMap<string, string>): string[] {
  if (kind === 'npm') {
    const dir = wordValue(optionValue(call, ['--cache']), env) ?? env.get('npm_config_cache') ?? env.get('NPM_CONFIG_CACHE');
    return (dir ? [dir] : homePaths('.npm')).map((d) => `${d}/_cacache`);
  }
  const dir = wordValue(optionValue(call, ['--cache-folder']), env) ?? env.get('YARN_CACHE_FOLDER');
  return dir ? [dir] : YARN_CACHES;
}

function cleansCache(kind: Kind, call: Call): boolean {
  const [sub, second] = positionals(call).map((w) => w.value);
  if (call.name !== kind || sub !== 'cache') return false;
  return kind === 'npm' ? second === 'clean' || second === 'clear' || second === 'rm' : second === 'clean';
}

/**
 * Yarn 2+ with Plug'n'Play loads packages from the cache at run time, so `yarn cache clean`
 * would break the app. The fix is safe only when nothing suggests Yarn 2+: no `--immutable`,
 * no corepack or `yarn set version`, no `.yarnrc.yml`, and no `COPY .` that could bring one.
 */
function yarnCleanSafe(model: Model, instr: Instr, call: Call): boolean {
  if (hasFlag(call, ['frozen-lockfile', 'pure-lockfile']) || positionals(call, YARN_VALUE_OPTS)[0]?.value === 'global') return true;
  if (hasFlag(call, ['immutable', 'immutable-cache', 'check-cache', 'mode'])) return false;
  if ([...instr.env.keys()].some((k) => /^YARN_(ENABLE_|NODE_LINKER|PNP)/.test(k))) return false;
  for (const i of [...priorInstrs(model, instr), instr]) {
    const text = instrText(model, i);
    if (i.keyword === 'RUN' && /corepack|yarn\s+set\s+version|yarn\s+policies\s+set-version|yarnPath/.test(text)) return false;
    if ((i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args)) {
      const srcs = i.args
        .split(/\s+/)
        .filter((w) => w && !w.startsWith('--'))
        .slice(0, -1);
      if (srcs.some((s) => /^\.?\/?\*?$|(^|\/)\.yarn(rc\.yml)?\/?$/.test(s))) return false;
    }
  }
  return true;
}

export default defineRule({
  id: 'DS008',
  name: 'node-package-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\b(install|ci|add)\b/,
  hadolint: ['DL3060'],
  docs: {
    summary: '`npm install` / `npm ci` / `yarn install` (and `composer install`) leaving the package cache in the layer',
    why: 'npm keeps a compressed copy of every downloaded package in `~/.npm/_cacache`, and Yarn 1 an unpacked copy in `/usr/local/share/.cache/yarn`. Next to `node_modules` that cache is pure duplication, often 50–500 MB.',
    bad: 'RUN npm ci --omit=dev',
    good: 'RUN npm ci --omit=dev && npm cache clean --force',
    notes:
      "Install commands: `npm install`/`i`/`ci`/`add`/`update` (and npm's aliases), `yarn`, `yarn install`/`add`/`upgrade`, `yarn global add`, `yarn workspaces focus`. Not flagged when the same RUN later runs `npm cache clean --force` / `yarn cache clean` or removes the cache directory (`rm -rf /root/.npm`, `rm -rf /usr/local/share/.cache/yarn`, or the directory given by `--cache`, `--cache-folder`, `npm_config_cache` or `YARN_CACHE_FOLDER`), or when a cache/tmpfs mount holds the cache. A cleanup *before* the install does not count. The fix appends `npm cache clean --force` or `yarn cache clean` (none when the install sits inside an `if`/`case`/loop); for Yarn it is marked unsafe when the project may use Yarn 2+ (corepack, `--immutable`, `.yarnrc.yml`, or a `COPY .` that could bring one), because Plug'n'Play loads packages from that cache at run time. Switching to `npm ci --omit=dev` also saves bytes but changes what is installed, so it is not part of the fix. pnpm (and bun) are not flagged: they hard-link packages from their store into `node_modules`, so the store does not duplicate the bytes. Deliberate difference from hadolint: in a stage that does not ship, the finding is a hint, also for ONBUILD RUN (hadolint flags ONBUILD triggers in any stage). " +
      'Composer too (one rule for the package caches of application dependency managers; silencing DS008 silences both): `composer install`/`require`/`update` keep every downloaded package in `~/.composer/cache` (also `$COMPOSER_HOME/cache`, `COMPOSER_CACHE_DIR`); not flagged with `--no-cache`, `COMPOSER_CACHE_DIR=/dev/null`, a cache mount, a later `composer clear-cache` or an `rm` of the cache in the same RUN. The fix appends `composer clear-cache` (safe), and the cache-mount alternative mounts `$COMPOSER_HOME/cache` (`~/.composer/cache`; `/tmp/cache` on the official composer image, which sets `COMPOSER_HOME=/tmp`); the message also notes a missing `--no-dev` (dev dependencies), which is not part of the fix because it changes what is installed.',
    cacheMount: {
      mount: '`RUN --mount=type=cache,target=/root/.npm` (or `npm_config_cache`; the Yarn 1 cache for yarn)',
      details: "Not offered when the cache is in another user's home (a non-root `USER`), with `--cache`/`--cache-folder`, or for Yarn 2+.",
    },
    seeAlso: ['hadolint DL3060'],
  },
  check(ctx) {
    const model = ctx.model;
    for (const view of runViews(model)) {
      for (const c of composerFindings(model, view)) {
        ctx.report({ instr: view.instr, ...callRange(view.run, c.call), message: c.message, fix: c.fix, alternatives: c.alternatives });
      }
    }
    for (const { instr, run, calls } of runViews(model)) {
      const seen = new Set<Kind>();
      calls.forEach((call, idx) => {
        const kind = installKind(call);
        if (!kind || seen.has(kind)) return;
        const dirs = cacheDirs(kind, call, instr.env);
        const frag = kind === 'npm' ? '.npm' : 'yarn';
        if (mountCovers(run, dirs) || run.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target.includes(frag))) return;
        const later = calls.slice(idx + 1);
        if (later.some((c) => cleansCache(kind, c)) || cleansDir(calls, idx + 1, dirs, instr.env)) return;
        seen.add(kind);
        const clean = kind === 'npm' ? 'npm cache clean --force' : 'yarn cache clean';
        const safe = kind === 'npm' || yarnCleanSafe(model, instr, call);
        // Inside an if/case/loop the tool may not exist when the branch is skipped: no fix.
        const edit = call.cmd.depth > 0 && !call.cmd.subshell ? null : appendCommand(model, instr, clean);
        ctx.report({
          instr,
          ...callRange(run, call),
          message:
            kind === 'npm'
              ? '`npm` keeps a copy of every downloaded package in ~/.npm/_cacache in this layer: run `npm cache clean --force` at the end of the same RUN.'
              : '`yarn` keeps a copy of every package in its cache in this layer: run `yarn cache clean` at the end of the same RUN.',
          fix: edit
            ? {
                title: `Append \`${clean}\``,
                safe,
                ...(safe ? {} : { unsafeReason: "check first: Yarn 2+ Plug'n'Play loads packages from the cache" }),
                edits: [edit],
              }
            : undefined,
          alternatives: safe ? cacheMountFix(model, instr, kind, call) : undefined,
        });
      });
    }
  },
});
