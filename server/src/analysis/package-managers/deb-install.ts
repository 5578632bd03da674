/**
 * `.deb` files installed with dpkg, then their dependencies with `apt-get -f install`:
 * `dpkg -i x.deb || apt-get -f install -y` becomes `apt-get install -y --no-install-recommends ./x.deb`,
 * which resolves the file's Depends in one step and leaves its Recommends out. What to keep comes
 * from the Recommends of the same package in the release's index (a file named `motion_4.5_amd64.deb`
 * is the package `motion`), judged like any install; a package the index does not have, a name in a
 * variable or a glob make the fix unsafe, because its recommends may be what the program uses.
 */
import { hasFlag, positionals, type Call } from '../../kernel/commands.js';
import { expand, type Instr, type Model, type Stage } from '../../kernel/model.js';
import { docEnd, docStart, type RunScript } from '../../kernel/run-script.js';
import type { LintOptions } from '../../kernel/types.js';
import { recommendsToKeep, type RecommendsSource } from './recommends.js';
import { stageUsage } from './stage-usage.js';
import { baseSet } from '../../../../common/src/package-index/base-set.js';
import { releaseOfImage } from '../../../../common/src/package-index/release.js';
import { resolveInstall } from '../../../../common/src/package-index/resolve.js';

export interface DebPlan {
  /** Document range from `dpkg` to the end of the apt call. */
  start: number;
  end: number;
  /** The replacement command. */
  text: string;
  keep: string[];
  unsure?: string;
  debs: string[];
}

const JOIN = /^[ \t]*(?:\|\||;|&&)[ \t]*(?:\\\r?\n[ \t]*)*$/;

/** The package a .deb file holds, by Debian's file naming (`name_version_arch.deb`), or undefined. */
export function debPackage(file: string): string | undefined {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = /^([a-z0-9][a-z0-9+.-]*)_[^/]*\.deb$/.exec(base);
  return m?.[1];
}

function rootOf(stage: Stage | null): Stage | null {
  let s = stage;
  while (s?.parent) s = s.parent;
  return s;
}

/** Recommends data for the .deb's package from the index, when the stage's release is cached. */
function indexSource(instr: Instr, options: LintOptions): RecommendsSource | undefined {
  const root = rootOf(instr.stage);
  const base = root ? releaseOfImage(root.imageExpanded) : undefined;
  const index = base && options.packages?.lookup(base);
  if (!base || !index) return undefined;
  const before = baseSet(index, base.flavour);
  return (pkg) => {
    if (!index.get(pkg)) return undefined;
    const kept = new Set(resolveInstall(index, { packages: [pkg], recommends: false }, before).added.map((p) => p.name));
    return resolveInstall(index, { packages: [pkg], recommends: true }, before)
      .added.map((p) => p.name)
      .filter((n) => !kept.has(n));
  };
}

/**
 * The plan for an `apt-get -f install` (no packages) that follows `dpkg -i FILE.deb` in the same RUN,
 * joined by `||`, `;` or `&&`; undefined for anything else.
 */
export function debInstallPlan(model: Model, instr: Instr, run: RunScript, calls: readonly Call[], apt: Call, options: LintOptions): DebPlan | undefined {
  const i = calls.indexOf(apt);
  const dpkg = calls[i - 1];
  if (!dpkg || dpkg.name !== 'dpkg' || apt.name === 'aptitude') return undefined;
  if (!hasFlag(apt, ['fix-broken'], ['f']) || positionals(apt, new Set(['-o', '--option', '-c', '--config-file'])).length !== 1) return undefined;
  const args = dpkg.args.map((w) => w.value);
  if (!(args[0] === '-i' || args[0] === '--install')) return undefined;
  const files = dpkg.args.slice(1);
  if (files.length === 0 || files.some((w) => w.value.startsWith('-') || !/\.deb$/.test(w.value))) return undefined;
  const start = docStart(run, dpkg.cmd.start);
  const between = model.text.slice(docEnd(run, dpkg.cmd.end), docStart(run, apt.cmd.start));
  if (!JOIN.test(between) || dpkg.cmd.assigns.length > 0 || dpkg.nameWord.value !== 'dpkg') return undefined;
  // apt needs a path: `x.deb` is a package name to it, `./x.deb` a file.
  const debs = files.map((w) => {
    const raw = model.text.slice(docStart(run, w.start), docEnd(run, w.end));
    return /^[./$~"']/.test(raw) ? raw : `./${raw}`;
  });
  const names = files.map((w) => debPackage(expand(w.value, instr.env)));
  const known = names.filter((n): n is string => !!n);
  const verdict = recommendsToKeep(known, stageUsage(model, instr), indexSource(instr, options));
  const unsure =
    known.length < names.length
      ? 'the recommends of a .deb that is not named name_version_arch.deb are unknown'
      : verdict.unsure
        ? `${verdict.unsure}: the program may use what the .deb recommends`
        : undefined;
  const keep = verdict.keep;
  const flags = apt.args
    .filter((w) => w.value !== 'install' && !/^-(f|-fix-broken)$/.test(w.value))
    .map((w) => w.value.replace(/^-f(\w+)$/, '-$1').replace(/^-(\w*)f(\w*)$/, '-$1$2'));
  const yes = flags.some((f) => /^-\w*y|^--(yes|assume-yes)$/.test(f)) ? [] : ['-y'];
  const text = [apt.nameWord.value, 'install', ...flags, ...yes, '--no-install-recommends', ...debs, ...keep].join(' ');
  return { start, end: docEnd(run, apt.cmd.end), text, keep, debs, ...(unsure ? { unsure } : {}) };
}
