import { cleansDir, hasFlag, positionals, type Call } from '../kernel/commands.js';
import { appendCommand, insertAfterWord } from '../kernel/edits.js';
import { expand, type Instr, type Model } from '../kernel/model.js';
import type { Word } from '../kernel/shell/parser.js';
import type { Edit, Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, stageInstrs, viewOf, type RunView } from '../analysis/run-views.js';
import { positionIn } from '../kernel/stage-index.js';
import { homePaths, mountCovers, optionValue, priorInstrs, wordValue } from '../analysis/package-managers/manager-commands.js';
import { cacheMountFix, cargoHomeDefault } from '../analysis/package-managers/cache-mounts.js';

/** What one build command leaves behind, and how to drop it. */
interface CacheUse {
  /** The tool, as people name it ("go", "cargo", "mvn", "gradle", "pip"). */
  tool: string;
  /** The command as the message names it (`go build`, `pip wheel`, `mvn`). */
  what: string;
  /** Program names that count as using the tool again. */
  programs: RegExp;
  /** The cache directory as the user will read it. */
  label: string;
  /** Every spelling of the cache directories (for cleanups and mounts). */
  dirs: string[];
  /** Append this command to the RUN, or add this flag after the subcommand word. */
  append?: string;
  flag?: { after: Word; text: string };
  /** The cache only speeds up later builds: dropping it is always safe. */
  pureCache: boolean;
}

const GO_BUILDS = new Set(['build', 'install', 'test', 'run', 'vet', 'get']);
const CARGO_BUILDS = new Set(['build', 'b', 'install', 'fetch', 'test', 't', 'run', 'r']);
const PIP = /^pip[0-9.]*$/;
const PYTHON = /^(python|pypy)[0-9.]*$/;
const PIP_VALUE_OPTS = new Set([
  '--proxy',
  '--retries',
  '--timeout',
  '--cache-dir',
  '--log',
  '--python',
  '--cert',
  '--client-cert',
  '--trusted-host',
  '--exists-action',
]);

/** A variable set on the command itself (`GOCACHE=/tmp/c go build`), else by ENV/ARG. */
function setting(call: Call, env: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const w of call.cmd.assigns) if (w.value.startsWith(`${name}=`)) return expand(w.value.slice(name.length + 1), env);
  return env.get(name);
}

/** The home the RUN writes to: /root unless a USER instruction ran earlier (then `$HOME`). */
function home(model: Model, instr: Instr): string {
  const user = [...priorInstrs(model, instr)].reverse().find((i) => i.keyword === 'USER');
  const name = user
    ? model.text
        .slice(user.start, user.end)
        .replace(/^\s*USER\s+/i, '')
        .trim()
    : 'root';
  return /^(root|0)(:.*)?$/.test(name) ? '/root' : '$HOME';
}

function goUse(model: Model, view: RunView, call: Call): CacheUse | undefined {
  if (call.name !== 'go' || !GO_BUILDS.has(call.args[0]?.value ?? '')) return undefined;
  const env = view.instr.env;
  const gocache = setting(call, env, 'GOCACHE');
  if (gocache === 'off') return undefined;
  const xdg = setting(call, env, 'XDG_CACHE_HOME');
  const dirs = gocache ? [gocache] : [...homePaths('.cache/go-build'), ...(xdg ? [`${xdg}/go-build`] : [])];
  // `go clean -cache` finds the cache wherever GOCACHE points, unless only this command's assignment set it.
  const local = call.cmd.assigns.some((w) => /^(GOCACHE|XDG_CACHE_HOME|HOME)=/.test(w.value));
  const append = local ? `rm -rf ${gocache ?? `${xdg ?? `${home(model, view.instr)}/.cache`}/go-build`}` : 'go clean -cache';
  return { tool: 'go', what: `go ${call.args[0]?.value}`, programs: /^go$/, label: gocache ?? '~/.cache/go-build', dirs, append, pureCache: true };
}

function cargoUse(model: Model, view: RunView, call: Call): CacheUse | undefined {
  const sub = call.name === 'cargo' ? positionals(call, new Set(['--config', '-Z', '-C']))[0]?.value : undefined;
  if (!sub || !CARGO_BUILDS.has(sub)) return undefined;
  // The official rust images set CARGO_HOME=/usr/local/cargo in their own ENV.
  const imageHome = cargoHomeDefault(view.instr);
  const cargoHome = setting(call, view.instr.env, 'CARGO_HOME') ?? imageHome ?? undefined;
  const ref = view.instr.env.has('CARGO_HOME') && !call.cmd.assigns.some((w) => w.value.startsWith('CARGO_HOME=')) ? '$CARGO_HOME' : cargoHome;
  const base = ref ?? `${home(model, view.instr)}/.cargo`;
  const dirs = cargoHome ? [`${cargoHome}/registry`] : homePaths('.cargo/registry');
  if (ref === '$CARGO_HOME' || (imageHome && cargoHome === imageHome)) dirs.push('$CARGO_HOME/registry', '${CARGO_HOME}/registry');
  return {
    tool: 'cargo',
    what: `cargo ${sub}`,
    programs: /^cargo$/,
    label: `${cargoHome ?? '~/.cargo'}/registry`,
    dirs,
    append: `rm -rf ${base}/registry ${base}/git`,
    pureCache: false,
  };
}

function mavenUse(model: Model, view: RunView, call: Call): CacheUse | undefined {
  if (!/^(mvn|mvnw)$/.test(call.name)) return undefined;
  if (call.args.length === 0 || call.args.some((a) => /^(-v|--version|-h|--help)$/.test(a.value))) return undefined;
  const local = call.args.map((a) => /^-Dmaven\.repo\.local=(.+)$/.exec(a.value)?.[1]).find((v) => v !== undefined);
  const repo = local ? expand(local, view.instr.env) : undefined;
  const dirs = repo ? [repo] : homePaths('.m2/repository');
  const target = repo ?? `${home(model, view.instr)}/.m2/repository`;
  return { tool: 'mvn', what: call.name, programs: /^(mvn|mvnw)$/, label: repo ?? '~/.m2/repository', dirs, append: `rm -rf ${target}`, pureCache: false };
}

function gradleUse(model: Model, view: RunView, call: Call): CacheUse | undefined {
  if (!/^(gradle|gradlew)$/.test(call.name)) return undefined;
  if (call.args.length === 0 || call.args.some((a) => /^(-v|--version|-h|--help|--stop)$/.test(a.value))) return undefined;
  const userHome = setting(call, view.instr.env, 'GRADLE_USER_HOME');
  const ref = view.instr.env.has('GRADLE_USER_HOME') && !call.cmd.assigns.some((w) => w.value.startsWith('GRADLE_USER_HOME=')) ? '$GRADLE_USER_HOME' : userHome;
  const dirs = userHome ? [`${userHome}/caches`] : homePaths('.gradle/caches');
  if (ref === '$GRADLE_USER_HOME') dirs.push('$GRADLE_USER_HOME/caches', '${GRADLE_USER_HOME}/caches');
  const target = `${ref ?? `${home(model, view.instr)}/.gradle`}/caches`;
  return {
    tool: 'gradle',
    what: call.name,
    programs: /^(gradle|gradlew)$/,
    label: `${userHome ?? '~/.gradle'}/caches`,
    dirs,
    append: `rm -rf ${target}`,
    pureCache: true,
  };
}

/** `pip wheel` / `pip download` (DS006 covers `pip install`): the same wheel cache, the same flag. */
function pipUse(view: RunView, call: Call): CacheUse | undefined {
  let args = call.args;
  if (PYTHON.test(call.name)) {
    const m = args.findIndex((w) => w.value === '-m');
    if (m < 0 || args[m + 1]?.value !== 'pip') return undefined;
    args = args.slice(m + 2);
  } else if (!PIP.test(call.name)) return undefined;
  const sub = positionals({ ...call, args }, PIP_VALUE_OPTS)[0];
  if (!sub || (sub.value !== 'wheel' && sub.value !== 'download') || hasFlag(call, ['no-cache-dir', 'no-cache'])) return undefined;
  const env = view.instr.env;
  if (env.has('PIP_NO_CACHE_DIR') || call.cmd.assigns.some((w) => w.value.startsWith('PIP_NO_CACHE_DIR='))) return undefined;
  const cacheDir = wordValue(optionValue(call, ['--cache-dir']), env) ?? env.get('PIP_CACHE_DIR');
  return {
    tool: 'pip',
    what: `pip ${sub.value}`,
    programs: /^(pip[0-9.]*|(python|pypy)[0-9.]*)$/,
    label: cacheDir ?? '~/.cache/pip',
    dirs: cacheDir ? [cacheDir] : homePaths('.cache/pip'),
    flag: { after: sub, text: '--no-cache-dir' },
    pureCache: true,
  };
}

/** Does a later call of the RUN drop the cache another way (`go clean -cache`, `pip cache purge`)? */
function cleanedByTool(calls: readonly Call[], from: number, use: CacheUse): boolean {
  return calls.slice(from).some((c) => {
    if (use.tool === 'go') return c.name === 'go' && c.args[0]?.value === 'clean' && c.args.some((a) => a.value === '-cache' || a.value === '--cache');
    if (use.tool === 'pip') return (PIP.test(c.name) || PYTHON.test(c.name)) && c.args.some((a, k) => a.value === 'cache' && c.args[k + 1]?.value === 'purge');
    return false;
  });
}

/** A later RUN of the stage that runs the tool again. */
function usedLater(model: Model, view: RunView, use: CacheUse): Instr | undefined {
  const instrs = stageInstrs(model, view.instr);
  const at = view.instr.stage ? positionIn(view.instr.stage, view.instr) : instrs.indexOf(view.instr);
  return instrs.slice(at + 1).find((i) => viewOf(model, i)?.calls.some((c) => use.programs.test(c.name)));
}

/** Another RUN of the stage (or of a stage it is built FROM) runs the tool: it may need the downloads in the layer. */
function usedElsewhere(model: Model, view: RunView, use: CacheUse): boolean {
  const runs = (i: Instr): boolean => viewOf(model, i)?.calls.some((c) => use.programs.test(c.name)) ?? false;
  return usedLater(model, view, use) !== undefined || priorInstrs(model, view.instr).some(runs);
}

/**
 * The BuildKit alternative (never fix-all): a cache mount on Go's build cache (and its module cache, and cargo's
 * registry, only when no other RUN needs what they download).
 */
function mountAlternative(model: Model, view: RunView, call: Call, use: CacheUse): Fix[] | undefined {
  if (use.tool !== 'go' && use.tool !== 'cargo') return undefined;
  const elsewhere = usedElsewhere(model, view, use);
  if (use.tool === 'cargo') return elsewhere ? undefined : cacheMountFix(model, view.instr, 'cargo', call);
  return cacheMountFix(model, view.instr, 'go', call, elsewhere ? ['GOMODCACHE'] : []);
}

/** CMD/ENTRYPOINT of the RUN's stage runs the tool (`go run`, `mvn spring-boot:run`): the cache is used at run time. */
function usedAtRunTime(model: Model, view: RunView, use: CacheUse): boolean {
  return stageInstrs(model, view.instr).some(
    (i) =>
      (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') &&
      model.text
        .slice(i.start, i.end)
        .split(/[\s"',[\]/]+/)
        .some((w) => use.programs.test(w)),
  );
}

function cacheFix(model: Model, view: RunView, use: CacheUse): Fix | undefined {
  let edit: Edit | null = null;
  let title: string;
  if (use.flag) {
    edit = insertAfterWord(view.instr, use.flag.after, use.flag.text);
    title = `Add \`${use.flag.text}\``;
  } else {
    edit = appendCommand(model, view.instr, use.append ?? '');
    title = `Append \`${use.append}\``;
  }
  if (!edit) return undefined;
  const again = use.pureCache ? undefined : usedLater(model, view, use);
  if (again) return { title, safe: false, edits: [edit], unsafeReason: `${use.tool} runs again at line ${again.line + 1}` };
  return { title, safe: true, edits: [edit] };
}

export default defineRule({
  id: 'DS016',
  name: 'build-cache-shipped',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  docs: {
    summary: 'A build leaves its cache (Go, cargo, Maven, Gradle, `pip wheel`/`pip download`) in the layer',
    why: 'Build tools keep what they compile or download for the next build: `go build` fills ~/.cache/go-build (often 10–100 MB for one small program), cargo keeps every crate it downloaded in ~/.cargo/registry, Maven every artifact in ~/.m2/repository, Gradle ~/.gradle/caches. In an image nothing builds again, so the cache ships for nothing; deleting it in a later RUN does not help.',
    bad: 'RUN go build -o /usr/local/bin/app .',
    good: 'RUN go build -o /usr/local/bin/app . && go clean -cache\n# or, with BuildKit:\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /usr/local/bin/app .',
    notes:
      'Covers `go build|install|test|run|vet|get` (GOCACHE, XDG_CACHE_HOME; `GOCACHE=off` is not flagged), `cargo build|install|fetch|test|run` (CARGO_HOME, as in the rust images), `mvn`/`mvnw` with goals (`-Dmaven.repo.local`), `gradle`/`gradlew` with tasks (GRADLE_USER_HOME) and `pip wheel`/`pip download` (`pip install` is DS006). Not flagged with a BuildKit cache or tmpfs mount on the cache directory (or a parent), or when the same RUN deletes it later (`rm -rf`, `go clean -cache`, `pip cache purge`). ' +
      'The fix appends the cleanup to the RUN (`go clean -cache`, `rm -rf <dir>`; `--no-cache-dir` for pip). Dropping a cache that only speeds builds up (Go, Gradle, pip) is always safe. Dropping downloaded dependencies (cargo registry, Maven repository) is offered as unsafe when a later RUN of the stage runs the tool again, since an offline invocation would need them. Not flagged when CMD or ENTRYPOINT runs the tool (`go run`, `mvn spring-boot:run`): then the cache is used at run time. The `target/` directory of `cargo build` is not touched: the program may run from it. In stages that do not ship the finding is a hint: a builder stage copied from selectively keeps its cache out of the image anyway.',
    cacheMount: {
      mount:
        'for Go, `RUN --mount=type=cache,target=/root/.cache/go-build` (or `GOCACHE`, `$XDG_CACHE_HOME/go-build`) and, when no other RUN of the stage runs `go`, `--mount=type=cache,target=/go/pkg/mod` (`GOMODCACHE`, `$GOPATH/pkg/mod`); for cargo, `$CARGO_HOME/registry` and `$CARGO_HOME/git` (`/usr/local/cargo` in the official rust images, else `/root/.cargo`), only when no other RUN of the stage runs cargo: a mount hides what an earlier `go mod download` or `cargo fetch` put in the layer, and a later offline build would not find what went into the mount. `target/` is never mounted (the program is built there)',
      details: 'Not offered after a non-root `USER` (the mount belongs to root), when the command itself sets these variables, or for Maven, Gradle and pip.',
    },
    seeAlso: ['DS006', 'DS010'],
  },
  check(ctx) {
    const model = ctx.model;
    for (const view of runViews(model)) {
      const { instr, run, calls } = view;
      const reported = new Set<string>();
      calls.forEach((call, idx) => {
        const use =
          goUse(model, view, call) ?? cargoUse(model, view, call) ?? mavenUse(model, view, call) ?? gradleUse(model, view, call) ?? pipUse(view, call);
        if (!use || reported.has(use.tool) || usedAtRunTime(model, view, use)) return;
        if (mountCovers(run, use.dirs) || cleansDir(calls, idx + 1, use.dirs, instr.env) || cleanedByTool(calls, idx + 1, use)) return;
        reported.add(use.tool);
        ctx.report({
          instr,
          ...callRange(run, call),
          message: `\`${use.what}\` leaves its build cache (${use.label}) in this layer: drop it in the same RUN, or use a cache mount.`,
          fix: cacheFix(model, view, use),
          alternatives: mountAlternative(model, view, call, use),
        });
      });
    }
  },
});
