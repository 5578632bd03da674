/**
 * Composer's package cache (for DS008): `composer install` / `require` / `update` keep every
 * downloaded archive in `$COMPOSER_HOME/cache` (`/root/.composer/cache`, `~/.cache/composer`),
 * and without `--no-dev` also install the dev dependencies.
 */
import { cleansDir, hasFlag, positionals, type Call } from '../../kernel/commands.js';
import { appendCommand } from '../../kernel/edits.js';
import type { Model } from '../../kernel/model.js';
import type { Fix } from '../../kernel/types.js';
import type { RunView } from '../run-views.js';
import { homePaths, mountCovers } from './manager-commands.js';
import { cacheMountFix, cacheTargets } from './cache-mounts.js';

const INSTALLS = new Set(['install', 'require', 'update', 'create-project']);

function cacheDirs(view: RunView): string[] {
  const dirs = [...homePaths('.composer/cache'), ...homePaths('.cache/composer'), '/tmp/composer/cache', '/composer/cache'];
  const home = view.instr.env.get('COMPOSER_HOME');
  if (home) dirs.push(`${home}/cache`);
  const cache = view.instr.env.get('COMPOSER_CACHE_DIR');
  if (cache) dirs.push(cache);
  // Where the cache-mount alternative puts it (the official composer image's COMPOSER_HOME=/tmp).
  for (const t of cacheTargets(view.instr, 'composer') ?? []) dirs.push(t.dir);
  return dirs;
}

export interface ComposerFinding {
  call: Call;
  message: string;
  fix?: Fix;
  alternatives?: Fix[];
}

/** `composer install` calls of a RUN that leave the cache in the layer. */
export function composerFindings(model: Model, view: RunView): ComposerFinding[] {
  const out: ComposerFinding[] = [];
  const { instr, run, calls } = view;
  if (instr.env.get('COMPOSER_CACHE_DIR') === '/dev/null') return out;
  calls.forEach((call, idx) => {
    if (call.name !== 'composer' && call.name !== 'composer.phar') return;
    const sub = positionals(call)[0]?.value ?? '';
    if (!INSTALLS.has(sub) || hasFlag(call, ['no-cache'])) return;
    if (call.cmd.assigns.some((w) => w.value === 'COMPOSER_CACHE_DIR=/dev/null')) return;
    const dirs = cacheDirs(view);
    if (mountCovers(run, dirs) || run.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target.includes('composer'))) return;
    const later = calls.slice(idx + 1);
    if (later.some((c) => c.name.startsWith('composer') && ['clear-cache', 'clearcache', 'cc'].includes(positionals(c)[0]?.value ?? ''))) return;
    if (cleansDir(calls, idx + 1, dirs, instr.env)) return;
    const dev =
      sub === 'install' && !hasFlag(call, ['no-dev'])
        ? ' Without `--no-dev` it also installs the dev dependencies (add it if the image only runs the app).'
        : '';
    const edit = call.cmd.depth > 0 && !call.cmd.subshell ? null : appendCommand(model, instr, 'composer clear-cache');
    out.push({
      call,
      message: `\`composer ${sub}\` keeps every downloaded package in its cache (~/.composer/cache) in this layer: run \`composer clear-cache\` at the end of the same RUN.${dev}`,
      fix: edit ? { title: 'Append `composer clear-cache`', safe: true, edits: [edit] } : undefined,
      alternatives: cacheMountFix(model, instr, 'composer', call),
    });
  });
  return out;
}
