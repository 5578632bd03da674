import { positionals, type Call } from '../kernel/commands.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, type RunView } from '../analysis/run-views.js';

const PIP = /^pip[0-9.]*$/;

/** What the call fetches or installs (for the message), or undefined when it does neither. */
function fetchOrInstall(call: Call): string | undefined {
  const first = positionals(call)[0]?.value ?? '';
  const v = call.args.map((w) => w.value);
  switch (call.name) {
    case 'curl':
    case 'wget':
      return 'download';
    case 'git':
      return first === 'clone' || first === 'fetch' || first === 'pull' ? 'download' : undefined;
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      return first === 'install' ? 'install' : undefined;
    case 'apk':
      return first === 'add' ? 'install' : undefined;
    case 'dnf':
    case 'yum':
    case 'microdnf':
    case 'zypper':
      return first === 'install' ? 'install' : undefined;
    case 'dpkg':
      return v.includes('-i') || v.includes('--install') ? 'install' : undefined;
    case 'make':
      return v.includes('install') ? 'install' : undefined;
    case 'npm':
    case 'pnpm':
    case 'gem':
      return ['install', 'i', 'ci'].includes(first) ? 'install' : undefined;
    case 'go':
      // `go get … || true` is GOPATH's idiom for "fetch sources that have no main package": not reported.
      return first === 'install' ? 'install' : undefined;
    case 'cargo':
      return first === 'install' ? 'install' : undefined;
  }
  if (PIP.test(call.name) && first === 'install') return 'install';
  if (/^python[0-9.]*$/.test(call.name) && v[0] === '-m' && PIP.test(v[1] ?? '') && v[2] === 'install') return 'install';
  return undefined;
}

/** A command that turns any failure into success: `true`, `:`, `echo …`, `printf …`, `exit 0`. */
function swallows(call: Call): boolean {
  if (call.name === 'true' || call.name === ':' || call.name === 'echo' || call.name === 'printf') return true;
  return call.name === 'exit' && (call.args[0]?.value ?? '0') === '0';
}

/**
 * The calls whose failure the `||` at `k` swallows: the `&&`/`|`/`||` chain before it at its depth, a `{ …; }` or
 * `( … )` group before it taken whole.
 */
function guarded(view: RunView, k: number): Call[] {
  const calls = view.calls;
  const d = calls[k]?.cmd.depth ?? 0;
  const out: Call[] = [];
  let j = k - 1;
  while (j >= 0) {
    const c = calls[j] as Call;
    if (c.cmd.depth < d) break;
    if (c.cmd.depth > d) {
      // A group: everything inside it, back to where it opened.
      while (j >= 0 && (calls[j] as Call).cmd.depth > d) out.push(calls[j--] as Call);
      const prev = calls[j];
      if (!prev || prev.cmd.depth < d || !['&&', '|', '||'].includes(prev.cmd.after ?? '')) break;
      continue;
    }
    out.push(c);
    if (!['&&', '|', '||'].includes(c.cmd.before ?? '')) break;
    j--;
  }
  return out;
}

export default defineRule({
  id: 'DS018',
  name: 'swallowed-install-error',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: {
    summary: 'A download or install whose failure `|| true` swallows: a broken image builds green',
    why: 'When `curl`, `wget`, `apt-get install`, `pip install` or `make install` fails behind `|| true`, `|| :`, `|| echo …` or a `{ …; } || true` group, the build succeeds and the image ships without the program. Size work makes this worse: a fix that drops `ca-certificates` or a toolchain turns into a silently missing program instead of a failed build, and the image even looks smaller.',
    bad: 'RUN { curl -fsSLO https://example.org/tool.tar.gz && tar -xzf tool.tar.gz; } || true',
    good: 'RUN curl -fsSLO https://example.org/tool.tar.gz && tar -xzf tool.tar.gz',
    notes:
      "Reported for downloads (curl, wget, git clone/fetch/pull) and installs (apt-get/apt/apk/dnf/yum/zypper install, dpkg -i, pip install, make install, npm/pnpm/gem install, go install, cargo install) followed by `|| true`, `|| :`, `|| echo …`, `|| printf …` or `|| exit 0`, alone or in an `&&` chain or a `{ …; }`/`( … )` group before it. A real fallback (`dpkg -i x.deb || apt-get -f install -y`, `curl A || curl B`) is not reported, nor is `go get … || true` (GOPATH's idiom for fetching sources without a main package). " +
      'In stages that do not ship the finding is a hint. No fix: the user may mean it (an optional plugin, a flaky mirror with a fallback later on), and removing the guard would turn such a build red; if the download is optional, test for the file afterwards instead.',
    seeAlso: ['hadolint DL4006 (pipefail)', 'DS004'],
  },
  check(ctx) {
    for (const view of runViews(ctx.model)) {
      view.calls.forEach((call, k) => {
        if (call.cmd.before !== '||' || !swallows(call)) return;
        const hit = guarded(view, k)
          .reverse()
          .map((c) => ({ c, what: fetchOrInstall(c) }))
          .filter((x) => x.what);
        const first = hit[0];
        if (!first) return;
        const names = [...new Set(hit.map((x) => `\`${x.c.name}\``))].join(', ');
        const guard = call.name === 'exit' ? 'exit 0' : call.name;
        ctx.report({
          instr: view.instr,
          ...callRange(view.run, first.c),
          message: `\`|| ${guard}\` swallows a failure of ${names}: if the ${first.what} fails the build still succeeds and the image ships without it; let it fail, or test for the result afterwards.`,
        });
      });
    }
  },
});
