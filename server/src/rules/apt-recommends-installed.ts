import { hasFlag, positionals, type Call } from '../kernel/commands.js';
import { insertAfterWord } from '../kernel/edits.js';
import { expand, type Instr, type Model } from '../kernel/model.js';
import { docStart } from '../kernel/run-script.js';
import type { Word } from '../kernel/shell/parser.js';
import type { Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { installedNames, isInstall, pkgName, pkgOps } from '../analysis/package-managers/operations.js';
import { instrText, subcommand } from '../analysis/package-managers/manager-commands.js';
import { anyBefore } from '../kernel/stage-index.js';
import { recommendsToKeep } from '../analysis/package-managers/recommends.js';
import type { LintOptions } from '../kernel/types.js';
import { installEstimate, recommendsSource, savings, savingsText } from '../analysis/package-managers/size-data.js';
import { stageUsage } from '../analysis/package-managers/stage-usage.js';
import { formatBytes } from '../analysis/package-managers/format.js';

const APT_VALUE_OPTS = new Set([
  '-o',
  '--option',
  '-c',
  '--config-file',
  '-t',
  '--target-release',
  '--default-release',
  '-a',
  '--host-architecture',
  '-F',
  '-w',
]);
const FALSE = '(?:0|no|false|off|without|disable)';
/** `-o APT::Install-Recommends=false` (also `-oAPT::…`, `--option=APT::…`). */
const OPT_FALSE = new RegExp(`^(?:-o|--option=)?APT::Install-Recommends=${FALSE}$`, 'i');
const LONG_FALSE = new RegExp(`^--install-recommends=${FALSE}$`, 'i');
/** An apt.conf line turning recommends off, e.g. `APT::Install-Recommends "false";` (maybe with escaped quotes). */
const CONF_FALSE = new RegExp(`Install-Recommends\\W{0,4}${FALSE}\\b`, 'i');

function optedOut(call: Call): boolean {
  if (call.name === 'aptitude' && hasFlag(call, ['without-recommends'], ['R'])) return true;
  if (hasFlag(call, ['no-install-recommends'])) return true;
  return call.args.some((w, i) => {
    if (w.value === '--') return false;
    if (OPT_FALSE.test(w.value) || LONG_FALSE.test(w.value)) return true;
    const prev = call.args[i - 1]?.value;
    return (prev === '-o' || prev === '--option') && OPT_FALSE.test(w.value);
  });
}

/** Text that writes an apt.conf setting turning recommends off. */
function configuresNoRecommends(text: string): boolean {
  return /apt\.conf/.test(text) && CONF_FALSE.test(text);
}

/** The apt packages each RUN installs explicitly, by call index (once per model: DS004 asks for every install). */
const aptInstallsCache = new WeakMap<Model, Map<Instr, { callIndex: number; names: string[] }[]>>();
function aptInstalls(model: Model): Map<Instr, { callIndex: number; names: string[] }[]> {
  let m = aptInstallsCache.get(model);
  if (!m) {
    m = new Map();
    for (const v of runViews(model)) {
      const list = pkgOps(v)
        .filter((o) => o.manager === 'apt' && isInstall(o))
        .map((o) => ({ callIndex: o.callIndex, names: installedNames(o, v.instr.env) }));
      if (list.length > 0) m.set(v.instr, list);
    }
    aptInstallsCache.set(model, m);
  }
  return m;
}

/** Is `pkg` installed explicitly before this call (earlier in the stage chain, or earlier in the RUN)? */
function installedBefore(model: Model, instr: Instr, callIndex: number, pkg: string): boolean {
  const installs = aptInstalls(model);
  if (installs.get(instr)?.some((i) => i.callIndex < callIndex && i.names.includes(pkg))) return true;
  // One fold per kept package name (a handful, from the reviewed table), not a rescan per install.
  return anyBefore(model, instr, `ds004-installed\u0000${pkg}`, 'same', (i) => installs.get(i)?.some((x) => x.names.includes(pkg)) ?? false);
}

/** The fix: the flag, plus the recommended packages the stage still uses; unsafe when the table cannot tell. */
function recommendsFix(
  model: Model,
  instr: Instr,
  call: Call,
  callIndex: number,
  sub: Word,
  flag: string,
  options: LintOptions,
): { fix?: Fix; sizes?: string } {
  const pkgs = positionals(call, APT_VALUE_OPTS).slice(1);
  const last = pkgs[pkgs.length - 1];
  const edit = insertAfterWord(instr, sub, flag);
  if (!edit || !last) return {};
  const est = installEstimate(model, options, call);
  const names = pkgs.map((w) => pkgName(expand(w.value, instr.env)));
  const dynamic = names.some((n) => n.includes('$') || n === '' || n.startsWith('.') || n.startsWith('/'));
  const verdict = recommendsToKeep(
    names.filter((n) => !n.includes('$')),
    stageUsage(model, instr),
    est && recommendsSource(est),
  );
  const keep = verdict.keep.filter((p) => !installedBefore(model, instr, callIndex, p));
  const edits = [edit];
  if (keep.length > 0) {
    const add = insertAfterWord(instr, last, keep.join(' '));
    if (!add) return {};
    if (add.start === edit.start) edit.text += add.text;
    else edits.push(add);
  }
  const unsure = dynamic ? 'packages in a variable' : verdict.unsure;
  // With the package index: what the flag saves once the kept packages are back, in the title and the message.
  const saved = est && !dynamic ? savings(est, keep) : undefined;
  const size = saved?.packages ? ` (≈${formatBytes(saved.bytes)}, ${saved.packages} packages)` : '';
  const title = `Add \`${flag}\`${keep.length ? `, keep ${keep.join(' ')}` : ''}${size}${unsure ? ` (${unsure})` : ''}`;
  return { fix: { title, safe: !unsure, edits }, sizes: saved && (saved.packages ? savingsText(saved) : '') };
}

export default defineRule({
  id: 'DS004',
  name: 'apt-recommends-installed',
  severity: 'info',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\binstall\b/,
  hadolint: ['DL3015'],
  docs: {
    summary: '`apt-get install` without `--no-install-recommends`',
    why: 'By default apt also installs every package the requested ones merely *recommend*: documentation, optional tools, extra libraries. That is often tens of megabytes nobody asked for.',
    bad: 'RUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*',
    good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    notes:
      'Also checks `apt install` and `aptitude install` (hadolint checks only `apt-get`); for aptitude the flag is `--without-recommends` (`-R`). Not flagged when recommends are turned off by `-o APT::Install-Recommends=false` (or `0`, `no`, `off`), `--install-recommends=false`, or when an earlier RUN/COPY of the stage (or of a stage it is built FROM), or an earlier command of the same RUN, writes `APT::Install-Recommends "false"` into an apt.conf file. The fix inserts `--no-install-recommends` right after `install` and installs explicitly every recommended package the stage still uses, judged by a reviewed table of Debian bookworm Recommends (also of dependencies): `ca-certificates` whenever the stage talks TLS (curl, wget, git, pip, npm, gem, go get, an `https://` URL, also in later RUNs, stages built FROM this one, CMD/ENTRYPOINT/HEALTHCHECK) and always with curl, wget and git; `xauth` with `xvfb`; `build-essential`/`python3-dev` with `python3-pip` when pip builds packages; `libc6-dev` with `gcc`; `git`/`unzip` with `composer`; `openssh-client` with git over ssh. When a package is not in the table (or the packages come from a variable) the fix is unsafe and says so. Fix-all never edits stages that do not ship. In stages that do not ship the finding is a hint.',
    seeAlso: ['hadolint DL3015'],
  },
  check(ctx) {
    const model = ctx.model;
    for (const { instr, run, calls } of runViews(model)) {
      let inherited: boolean | undefined;
      for (const call of calls) {
        if (call.name !== 'apt-get' && call.name !== 'apt' && call.name !== 'aptitude') continue;
        const sub = subcommand(call, APT_VALUE_OPTS);
        if (!sub || sub.value !== 'install' || optedOut(call)) continue;
        const before = model.text.slice(instr.start, docStart(run, call.cmd.start));
        if (configuresNoRecommends(before)) continue;
        inherited ??= anyBefore(
          model,
          instr,
          'ds004-apt-conf',
          'prior',
          (i) => (i.keyword === 'RUN' || i.keyword === 'COPY' || i.keyword === 'ADD') && configuresNoRecommends(instrText(model, i)),
        );
        if (inherited) continue;
        const flag = call.name === 'aptitude' ? '--without-recommends' : '--no-install-recommends';
        const { fix, sizes } = recommendsFix(model, instr, call, calls.indexOf(call), sub, flag, ctx.options);
        ctx.report({
          instr,
          ...callRange(run, call),
          message:
            sizes === ''
              ? `\`${call.name} install\` without \`${flag}\`: here it adds no recommended packages (package index), but the flag keeps later changes from adding some.`
              : sizes
                ? `\`${call.name} install\` without \`${flag}\` also installs recommended packages that were not asked for: here the flag ${sizes}.`
                : `\`${call.name} install\` without \`${flag}\` also installs recommended packages (often tens of MB) that were not asked for.`,
          fix,
        });
      }
    }
  },
});
