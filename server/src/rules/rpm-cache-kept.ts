import { deletedPaths, positionals, removes, type Call } from '../kernel/commands.js';
import { appendCommand } from '../kernel/edits.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { mountCovers } from '../analysis/package-managers/manager-commands.js';
import { cacheMountFix, type CacheKind } from '../analysis/package-managers/cache-mounts.js';

interface Manager {
  /** Subcommands that download repository metadata or packages into the cache. */
  verbs: Set<string>;
  /** `group install`, `module enable`: a verb that counts only with this second word. */
  pairs?: Record<string, Set<string>>;
  /** Directories whose removal clears this manager's cache. */
  dirs: string[];
  /** Global options taking a separate value (they may precede the subcommand). */
  valueOpts: Set<string>;
  /** Does this call clean the cache? */
  cleans(sub: string, rest: string[]): boolean;
  clean: string;
  /** The cache-mount alternative's directories. */
  mount: CacheKind;
}

const YUM_DNF_OPTS = new Set([
  '-c',
  '--config',
  '--installroot',
  '--releasever',
  '-d',
  '--debuglevel',
  '-e',
  '--errorlevel',
  '--enablerepo',
  '--disablerepo',
  '--repo',
  '--repoid',
  '-x',
  '--exclude',
  '--setopt',
  '--forcearch',
  '--downloaddir',
  '--destdir',
  '--comment',
  '--rpmverbosity',
  '--repofrompath',
  '--color',
  '--cachedir',
  '--disableplugin',
  '--enableplugin',
  '--noplugins-except',
]);
const cleanAll = (sub: string, rest: string[]): boolean => sub === 'clean' && rest.includes('all');
const DNF_VERBS = [
  'install',
  'in',
  'reinstall',
  'rei',
  'upgrade',
  'up',
  'update',
  'upgrade-minimal',
  'up-min',
  'update-minimal',
  'distro-sync',
  'dsync',
  'groupinstall',
  'groupupdate',
  'localinstall',
  'makecache',
  'mc',
  'swap',
];
const GROUP_MODULE = {
  group: new Set(['install', 'upgrade', 'update']),
  groups: new Set(['install', 'upgrade', 'update']),
  module: new Set(['install', 'enable', 'update']),
};
// dnf 4 keeps its cache in /var/cache/dnf, dnf 5 in /var/cache/libdnf5; classic yum and
// libdnf-based microdnf use /var/cache/yum. `yum` is dnf on RHEL 8+, so its cache may be either.
const MANAGERS: Record<string, Manager> = {
  yum: {
    verbs: new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'groupupdate', 'distro-sync', 'makecache', 'swap']),
    pairs: GROUP_MODULE,
    dirs: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
    valueOpts: YUM_DNF_OPTS,
    cleans: cleanAll,
    clean: 'yum clean all',
    mount: 'yum',
  },
  dnf: {
    verbs: new Set(DNF_VERBS),
    pairs: GROUP_MODULE,
    dirs: ['/var/cache/dnf', '/var/cache/libdnf5'],
    valueOpts: YUM_DNF_OPTS,
    cleans: cleanAll,
    clean: 'dnf clean all',
    mount: 'dnf',
  },
  dnf5: {
    verbs: new Set(DNF_VERBS),
    pairs: GROUP_MODULE,
    dirs: ['/var/cache/libdnf5'],
    valueOpts: YUM_DNF_OPTS,
    cleans: cleanAll,
    clean: 'dnf5 clean all',
    mount: 'dnf5',
  },
  microdnf: {
    verbs: new Set(['install', 'reinstall', 'upgrade', 'update', 'makecache', 'swap']),
    pairs: { module: new Set(['enable']) },
    dirs: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
    valueOpts: YUM_DNF_OPTS,
    cleans: cleanAll,
    clean: 'microdnf clean all',
    mount: 'yum',
  },
  zypper: {
    verbs: new Set([
      'install',
      'in',
      'update',
      'up',
      'patch',
      'dist-upgrade',
      'dup',
      'source-install',
      'si',
      'install-new-recommends',
      'inr',
      'refresh',
      'ref',
    ]),
    dirs: ['/var/cache/zypp'],
    valueOpts: new Set([
      '-R',
      '--root',
      '-c',
      '--config',
      '-D',
      '--reposd-dir',
      '-C',
      '--cache-dir',
      '--raw-cache-dir',
      '--solv-cache-dir',
      '--pkg-cache-dir',
      '--installroot',
    ]),
    cleans: (sub) => sub === 'clean' || sub === 'cc',
    clean: 'zypper clean --all',
    mount: 'zypper',
  },
};

function managerOf(call: Call): Manager | undefined {
  return Object.prototype.hasOwnProperty.call(MANAGERS, call.name) ? MANAGERS[call.name] : undefined;
}

/** Does this call put packages or metadata in the manager's cache? */
function installs(m: Manager, call: Call): boolean {
  const pos = positionals(call, m.valueOpts).map((w) => w.value);
  const [sub, second] = pos;
  if (sub === undefined) return false;
  if (m.verbs.has(sub)) return true;
  return second !== undefined && (m.pairs?.[sub]?.has(second) ?? false);
}

function cleansCache(m: Manager, call: Call, env: ReadonlyMap<string, string>): boolean {
  if (managerOf(call) === m) {
    const [sub, ...rest] = positionals(call, m.valueOpts).map((w) => w.value);
    if (sub !== undefined && m.cleans(sub, rest)) return true;
  }
  return deletedPaths(call, env).some((p) => m.dirs.some((d) => removes(p, d)));
}

export default defineRule({
  id: 'DS007',
  name: 'rpm-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\binstall\b/,
  hadolint: ['DL3032', 'DL3036', 'DL3040'],
  docs: {
    summary: 'yum / dnf / microdnf / zypper install without cleaning the package cache in the same RUN',
    why: 'These managers keep the repository metadata (often 50–200 MB) and sometimes the downloaded packages under /var/cache. Cleaning it in a later RUN does not help: the earlier layer still ships it.',
    bad: 'RUN dnf install -y nginx',
    good: 'RUN dnf install -y nginx && dnf clean all',
    notes:
      'Install-like subcommands count: install, reinstall, update/upgrade, distro-sync, makecache, group/module install (and the short forms dnf and zypper accept, e.g. `dnf in`, `zypper in`, `zypper up`, `zypper dup`, `zypper patch`, `zypper ref`). The cleanup must come *after* the last such command of the same manager: `<manager> clean all` (`zypper clean`/`cc`), or an `rm` that really removes the cache directory (`/var/cache/yum`, `/var/cache/dnf`, `/var/cache/libdnf5`, `/var/cache/zypp`, or a parent). Unlike hadolint, an unrelated `rm -rf /tmp/x` does not count, and a cleanup *before* the install does not count (hadolint issues #1250 and #957). Deliberate difference: after `dnf`, removing `/var/cache/yum` does not count, because dnf keeps its cache in `/var/cache/dnf` (dnf 4) or `/var/cache/libdnf5` (dnf 5); hadolint accepts any `rm -rf`. For `yum` (which is dnf on RHEL 8+) and `microdnf`, any of the three directories counts. A cache or tmpfs mount on the cache directory exempts the RUN. The fix appends `<manager> clean all` (no fix when the install sits inside an `if`/`case`/loop, where the manager might not exist) (`zypper clean --all`, which also drops the metadata that plain `zypper clean` keeps). In stages that do not ship the finding is a hint.',
    cacheMount: {
      mount:
        'a cache mount with `sharing=locked` (these managers lock their cache) on `/var/cache/dnf` (dnf), `/var/cache/libdnf5` (dnf5), `/var/cache/zypp` (zypper), or all three of yum/dnf/libdnf5 for `yum` and `microdnf`, each with an `id` of its own',
      details: 'Not offered with `--cachedir`, `--installroot` or `--root`.',
    },
    seeAlso: ['hadolint DL3032', 'hadolint DL3036', 'hadolint DL3040'],
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      // One finding per manager: its first install that no later cleanup covers (a cleanup before it does not count).
      const seen = new Set<Manager>();
      calls.forEach((call, idx) => {
        const m = managerOf(call);
        if (!m || seen.has(m) || !installs(m, call)) return;
        if (mountCovers(run, m.dirs) || run.mounts.some((mt) => (mt.type === 'cache' || mt.type === 'tmpfs') && mt.target.includes('.cache/libdnf5'))) return;
        if (calls.slice(idx + 1).some((c) => cleansCache(m, c, instr.env))) return;
        seen.add(m);
        // Inside an if/case/loop the manager may not even exist when the branch is skipped: no fix.
        const edit = call.cmd.depth > 0 && !call.cmd.subshell ? null : appendCommand(ctx.model, instr, m.clean);
        ctx.report({
          instr,
          ...callRange(run, call),
          message: `\`${call.name}\` leaves its package cache and repository metadata (often 50–200 MB) in this layer: run \`${m.clean}\` at the end of the same RUN.`,
          fix: edit ? { title: `Append \`${m.clean}\``, safe: true, edits: [edit] } : undefined,
          alternatives: cacheMountFix(ctx.model, instr, m.mount, call),
        });
      });
    }
  },
});
