import { hasFlag, type Call } from '../kernel/commands.js';
import { insertAfterWord } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import { docStart } from '../kernel/run-script.js';
import type { Word } from '../kernel/shell/parser.js';
import type { Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { instrText, subcommand } from '../analysis/package-managers/manager-commands.js';
import { anyBefore } from '../kernel/stage-index.js';
import { APT_VALUE_OPTS, keptWords, recommendsPlan } from '../analysis/package-managers/recommends-plan.js';
import type { LintOptions } from '../kernel/types.js';
import { packagesWord, savingsText } from '../analysis/package-managers/size-data.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import { debInstallPlan } from '../analysis/package-managers/deb-install.js';
import { reviewedRecommends } from '../analysis/package-managers/recommends.js';
import { pkgNames } from '../analysis/package-managers/operations.js';
import { caAutoAgain } from '../analysis/package-managers/ca-auto.js';

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

/** Below this saving a finding is a hint (docs/quiet-policy.md). */
const QUIET_BYTES = 1e6;

/** The fix: the flag, plus the recommended packages the stage still uses; unsafe when the plan cannot be judged. */
function recommendsFix(
  model: Model,
  instr: Instr,
  call: Call,
  callIndex: number,
  sub: Word,
  flag: string,
  options: LintOptions,
): { fix?: Fix; sizes?: string; removedAgain?: boolean; quiet?: true } {
  const plan = recommendsPlan(model, instr, call, callIndex, options);
  const last = plan.pkgs[plan.pkgs.length - 1];
  const edit = insertAfterWord(instr, sub, flag);
  if (!edit || !last) return {};
  const { keep, unsure, saved } = plan;
  const edits = [edit];
  if (keep.length > 0) {
    const add = insertAfterWord(instr, last, keep.join(' '));
    if (!add) return {};
    if (add.start === edit.start) edit.text += add.text;
    else edits.push(add);
  }
  // With the package index: what the flag saves once the kept packages are back, in the title and the message.
  const size = saved?.packages ? ` (≈${formatBytes(saved.bytes)}, ${packagesWord(saved.packages)})` : '';
  const note = plan.note ? ` (${plan.note})` : '';
  // ca-certificates kept only for clients the stage purges again: it goes with them (purged before the auto-removal).
  const again = keep.includes('ca-certificates') ? caAutoAgain(model, instr, callIndex, pkgNames(plan.pkgs, instr.env)) : null;
  if (again) edits.push(again);
  const until = again ? ' until the TLS clients are purged' : '';
  const title = `Add \`${flag}\`${keep.length ? `, keep ${keep.join(' ')}${until}` : ''}${size}${unsure ? ` (${unsure})` : note}`;
  const kept = keptWords(keep);
  // Quiet policy (docs/quiet-policy.md): a hint when the flag saves under 1 MB by the index, or, without one, when
  // the reviewed table says none of the packages recommends anything.
  const dynamic = plan.unsure === 'packages in a variable';
  const small = saved ? saved.bytes < QUIET_BYTES : !dynamic && pkgNames(plan.pkgs, instr.env).every((n) => reviewedRecommends(n)?.length === 0);
  return {
    fix: { title, safe: !unsure, edits },
    sizes: saved && (saved.packages ? `${kept ? `, ${kept},` : ''} ${savingsText(saved)}` : ''),
    removedAgain: plan.removedAgain,
    ...(small ? { quiet: true as const } : {}),
  };
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
      'Also checks `apt install` and `aptitude install` (hadolint checks only `apt-get`); for aptitude the flag is `--without-recommends` (`-R`). Not flagged when recommends are turned off by `-o APT::Install-Recommends=false` (or `0`, `no`, `off`), `--install-recommends=false`, or when an earlier RUN/COPY of the stage (or of a stage it is built FROM), or an earlier command of the same RUN, writes `APT::Install-Recommends "false"` into an apt.conf file. ' +
      'The fix inserts `--no-install-recommends` right after `install` and installs explicitly every recommended package the stage still uses. Package lists in ARG/ENV variables are split into words as the shell splits them (`ARG DEPS="build-essential curl"` then `install $DEPS` is two packages; a quoted `"$DEPS"` is one). What the flag drops comes from the package index when one is cached (the real Recommends closure, also of dependencies), else from a reviewed table of Debian bookworm Recommends checked against that index. Kept: `ca-certificates` whenever the flag would drop it and the stage talks TLS (curl, wget, git, pip, npm, gem, go get, an `https://` URL, also in later RUNs, stages built FROM this one, CMD/ENTRYPOINT/HEALTHCHECK) or the image holds a TLS client or a language runtime with an HTTP client (python3, nodejs, ruby, php, perl, a JRE, a browser); `xauth` with `xvfb`; `build-essential`/`python3-dev` with `python3-pip` only when pip may compile (an sdist, a path or URL that is not a `.whl` wheel, `-e`, `--no-binary`, a requirements file), otherwise the title says no compiler is kept; `libc6-dev` with `gcc`; `git`/`unzip` with `composer`; `openssh-client` with git over ssh. When a package is not in the index or the table (or the packages come from a variable without a value) the fix is unsafe and says so. When the stage purges every TLS client of the install again (later in the RUN or in a later RUN) and auto-removes there, and nothing after that RUN may talk TLS, the kept `ca-certificates` is purged just before the auto-removal (`apt-get purge -y ca-certificates && …`), so it goes with the client, and openssl and libssl3 with it (`apt-mark auto` would not do: apt itself Recommends ca-certificates); only on a plain debian/ubuntu base, which has no CA store of its own. ' +
      "`dpkg -i x.deb` followed by `apt-get -f install` becomes `apt-get install -y --no-install-recommends ./x.deb` (plus what the stage needs of the package's recommends, judged by the same package in the index or the table; a .deb not named `name_version_arch.deb`, or a package neither knows, makes it unsafe, since the program may use what it recommends). " +
      "With an index the message and the title give the saving on the RUN's layer, with every removal of the same RUN counted (`purge --auto-remove`, `autoremove`): recommends that the RUN removes again save nothing, and the message says so. `estimate` and the hover show the same figure and the same kept packages. Fix-all never edits stages that do not ship. In stages that do not ship the finding is a hint.",
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
        const deb = debInstallPlan(model, instr, run, calls, call, ctx.options);
        if (deb) {
          ctx.report({
            instr,
            ...callRange(run, call),
            message: `\`dpkg -i\` then \`${call.name} -f install\` installs the recommended packages of ${deb.debs.join(' ')} and of its dependencies; \`${call.name} install --no-install-recommends ${deb.debs.join(' ')}\` resolves the dependencies in one step without them.`,
            fix: {
              title: `Install ${deb.debs.join(' ')} with \`${call.name} install --no-install-recommends\`${deb.keep.length ? `, keep ${deb.keep.join(' ')}` : ''}${deb.unsure ? ` (${deb.unsure})` : ''}`,
              safe: !deb.unsure,
              edits: [{ start: deb.start, end: deb.end, text: deb.text }],
            },
          });
          continue;
        }
        const { fix, sizes, removedAgain, quiet } = recommendsFix(model, instr, call, calls.indexOf(call), sub, flag, ctx.options);
        ctx.report({
          instr,
          ...callRange(run, call),
          message:
            sizes === '' && removedAgain
              ? `\`${call.name} install\` without \`${flag}\`: the recommended packages it adds are removed again in the same RUN (package index), so here the flag saves nothing; it keeps later changes from adding some.`
              : sizes === ''
                ? `\`${call.name} install\` without \`${flag}\`: here it adds no recommended packages (package index), but the flag keeps later changes from adding some.`
                : sizes
                  ? `\`${call.name} install\` without \`${flag}\` also installs recommended packages that were not asked for: here the flag${sizes}.`
                  : quiet
                    ? `\`${call.name} install\` without \`${flag}\`: here it adds no recommended packages (reviewed table of Debian Recommends), but the flag keeps later changes from adding some.`
                    : `\`${call.name} install\` without \`${flag}\` also installs recommended packages (often tens of MB) that were not asked for.`,
          fix,
          quiet,
        });
      }
    }
  },
});
