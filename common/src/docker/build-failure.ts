// What went wrong in a failed `docker build`, in one line a notification can quote: the failing command's own last
// output line (`cat: can't open …`) and docker's error (`executor failed running […]: exit code: 1`, `failed to
// solve: …`), not the first line of the output (`#1 [internal] load build definition`, "DEPRECATED: The legacy
// builder…"). Checked on recorded real output of both builders in test/fixtures/docker-build/.

// eslint-disable-next-line no-control-regex -- the terminal colour codes the legacy builder writes around RUN output
export const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const ERROR_LINE =
  /\bERROR\b|failed to solve|\berror:|executor failed running|returned a non-zero code|did not complete successfully|cannot connect to the docker daemon|no such host/i;
/** Lines that describe the build's progress, never its outcome. */
const PROGRESS = /^(#\d+ (DONE|CACHED|sha256:|\[)|-{6}$| > \[|Step \d+\/\d+ :| ---> |Removing intermediate container|Sending build context)/;

export interface BuildFailure {
  /** One line for the notification: the command's output and docker's error, or whichever exists. */
  summary: string;
  /** docker's own error line (prefixes such as `#6 ERROR: ` removed). */
  error: string;
  /** The failing RUN's last output line, when the output shows it. */
  commandOutput?: string;
}

const lastOf = <T>(xs: Array<T | undefined>): T | undefined => {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== undefined) return xs[i];
  return undefined;
};

const clean = (line: string): string =>
  line
    .replace(/^#\d+ /, '')
    .replace(/^ERROR:?\s*/, '')
    .trim();

export function summarizeBuildFailure(output: string, max = 400): BuildFailure | undefined {
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n|\r/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  let at = -1;
  for (let i = lines.length - 1; i >= 0 && at < 0; i--) if (ERROR_LINE.test(lines[i] ?? '') && !/^ > \[/.test(lines[i] ?? '')) at = i;
  if (at < 0) for (let i = lines.length - 1; i >= 0 && at < 0; i--) if (!PROGRESS.test(lines[i] ?? '')) at = i;
  if (at < 0) at = lines.length - 1;
  const error = clean(lines[at] ?? '');

  let commandOutput: string | undefined;
  // BuildKit (plain progress): the step that failed says `#N ERROR: …`; its output lines are `#N <seconds> text`.
  const failedStep = lastOf(lines.map((l) => /^#(\d+) ERROR\b/.exec(l)?.[1]));
  if (failedStep !== undefined) {
    const ownLine = new RegExp(`^#${failedStep} \\d+\\.\\d+ (.*\\S.*)$`);
    commandOutput = lastOf(lines.map((l) => ownLine.exec(l)?.[1]))?.trim();
  } else if (/returned a non-zero code/.test(error)) {
    // Legacy builder: the command's output sits between "---> Running in …" and "The command … returned …" (on
    // stdout; stderr alone has only notices such as "DEPRECATED: The legacy builder…", never the command's output).
    let start = at - 1;
    while (start >= 0 && !/^ ---> Running in /.test(lines[start] ?? '')) start--;
    for (let i = at - 1; i > start && start >= 0 && commandOutput === undefined; i--) {
      if (!PROGRESS.test(lines[i] ?? '')) commandOutput = lines[i]?.trim();
    }
  }
  const summary = (commandOutput && commandOutput !== error ? `${commandOutput} — ${error}` : error).slice(0, max);
  return commandOutput ? { summary, error, commandOutput } : { summary, error };
}

/** Does the failure look like the network (DNS, a proxy, a registry out of reach)? Then the network setting helps. */
export function looksLikeNetwork(f: BuildFailure): boolean {
  return /no such host|bad address|temporary failure in name resolution|could not resolve|network is unreachable|connection timed out|i\/o timeout|proxyconnect/i.test(
    `${f.commandOutput ?? ''}\n${f.error}`,
  );
}
