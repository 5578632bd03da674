import type { Instr } from '../kernel/model.js';
import { defineRule } from '../kernel/rule.js';
import type { Fix } from '../kernel/types.js';
import { copySources, hasVariable, normaliseSource, sourceCovers } from '../../../common/src/build-context/copy-sources.js';
import { copyFlags, CopySelector } from '../../../common/src/build-context/copy-select.js';
import type { Leak, LeakKind } from '../../../common/src/build-context/types.js';
import { formatBytes } from '../analysis/package-managers/format.js';

/** Big content is worth a squiggle from this size on; `.git`, `.env` files and keys at any size. */
const BIG = 1_000_000;

const LABEL: Record<LeakKind, string> = {
  git: 'git history',
  node_modules: 'installed again by the Dockerfile',
  target: 'rebuilt by the Dockerfile',
  dist: 'rebuilt by the Dockerfile',
  worktree: 'a git worktree',
  env: 'an environment file',
  'private-key': 'a private key',
};

const RISKY = new Set<LeakKind>(['env', 'private-key']);

/** What each stage runs, as text (enough to tell installs and builds apart). */
function stageRuns(instrs: readonly Instr[], stage: Instr['stage']): string {
  return instrs
    .filter((i) => i.stage === stage && i.keyword === 'RUN')
    .map((i) => i.args)
    .join('\n');
}

function needed(kind: LeakKind, runs: string): boolean {
  switch (kind) {
    case 'node_modules':
      return /\b(npm|pnpm)\s+(ci|install|i)\b|\byarn(\s+install)?\b(?!\s+(build|run|add)\b)/.test(runs);
    case 'target':
      return /\b(cargo\s+(build|install)|mvn|mvnw|gradle|gradlew|sbt)\b/.test(runs);
    case 'dist':
      return /\b(npm\s+run|yarn|pnpm(\s+run)?)\s+build\b|\b(vite|webpack|tsc|ng|next|nuxt|rollup|esbuild)\s+build\b|\btsc\b|\bpython3?\s+-m\s+build\b/.test(
        runs,
      );
    default:
      return true;
  }
}

/** Does a later instruction read the leak's path (so leaving it out could break the build)? */
function readLater(leak: Leak, after: readonly Instr[]): string | undefined {
  const name =
    leak.pattern
      .replace(/^\*\*\//, '')
      .split('/')
      .pop() ?? leak.pattern;
  for (const i of after) {
    if (i.keyword === 'RUN') {
      if (leak.kind === 'git' && /(^|[\s;&|(])git\s/.test(i.args)) return `line ${i.line + 1} runs git`;
      if (i.args.includes(name)) return `line ${i.line + 1} mentions ${name}`;
    }
    if (
      (i.keyword === 'COPY' || i.keyword === 'ADD') &&
      (copySources(i.args) ?? []).map(normaliseSource).some((s) => s !== '.' && leak.paths.some((p) => s === p || s.startsWith(`${p}/`) || sourceCovers(s, p)))
    ) {
      return `line ${i.line + 1} copies it by name`;
    }
  }
  return undefined;
}

/** Entries DS012's `.dockerignore` already has (when DS012 reports the same line, DS017 leaves those to it). */
const DS012_COVERS = new Set(['.git', '**/node_modules']);

const HEADER = '# Added by Dockerfile Slim (DS017): the build context shipped these into the image.';

function fixFor(leaks: readonly Leak[], file: string, safe: boolean, why: string): Fix {
  const lines = leaks.map((l) => l.pattern);
  return {
    title: `Add ${lines.join(', ')} to ${file}`,
    safe,
    ...(safe ? {} : { unsafeReason: why }),
    edits: [],
    createFile: { path: file, content: `${HEADER}\n${lines.join('\n')}\n`, append: true },
  };
}

export default defineRule({
  id: 'DS017',
  name: 'context-leak',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  // The fix is one addition for the whole file (a pattern only when no COPY of the file still needs the path),
  // so the rule reads the whole file.
  scope: 'file',
  activeWhen: (options) => !!options.context?.leaks.length && options.rules?.DS017 !== 'off',
  docs: {
    summary:
      'a COPY/ADD ships something from the build context that the image almost never needs (`.git`, `node_modules`, build outputs, worktrees, `.env` files, private keys)',
    why: "Whatever `.dockerignore` does not exclude is sent to the builder and copied into the layer: a `.git` packfile of hundreds of MB, a local `node_modules` the Dockerfile installs again, a Rust `target/` of gigabytes, an agent's git worktrees, and secrets that anyone who pulls the image can read.",
    bad: '# .dockerignore:\n*.log\n# Dockerfile:\nCOPY . /app',
    good: '# .dockerignore:\n*.log\n.git\n**/node_modules',
    notes:
      "The engine only sees text: the editor and the CLI (`lint --context DIR`) walk the build context (BuildKit's `.dockerignore` semantics, `<Dockerfile>.dockerignore` first, links never followed) and pass what it would ship as `LintOptions.context`. " +
      '`node_modules` is reported only when the stage installs its own (npm/yarn/pnpm), `target/` only when it builds with cargo/maven/gradle/sbt, `dist/` only when it runs a build; `.git`, `.env` files (not `.env.example`) and files holding a PRIVATE KEY at any size, the rest from 1 MB. ' +
      'The fix adds exactly the reported patterns at the end of the ignore file in force (so no earlier `!` pattern brings them back), creating `.dockerignore` when there is none. It is safe only when no later instruction reads those paths (a RUN that runs git or names the path, a COPY that names it); `.env` files and keys are never removed safely, because the application may read them at run time. ' +
      'When DS012 reports the same `COPY .` (no `.dockerignore` at all), its `.dockerignore` already holds `.git` and `node_modules`, and DS017 reports only the rest.',
    seeAlso: [
      'DS012 dockerignore-missing',
      'flyctl deploy (warns with the largest paths)',
      'dotnet-docker #1245',
      'LearnCard #1423',
      'zero-to-production #226',
    ],
  },
  check(ctx) {
    const facts = ctx.options.context;
    if (!facts || facts.leaks.length === 0) return;
    if (facts.ignoreFile.startsWith('/')) return; // an ignore file outside the context: no fix target we may name
    const file = facts.ignoreFile || '.dockerignore';
    const instrs = ctx.model.instrs;
    // What each COPY/ADD of the context ships of the leaks (those its stage does not need).
    const copies = instrs.flatMap((instr) => {
      if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return [];
      const raw = copySources(instr.args);
      if (!raw || raw.length === 0) return [];
      const sources = raw.filter((s) => !hasVariable(s)).map(normaliseSource);
      const selector = new CopySelector(raw, copyFlags(instr.args)); // --exclude and --parents applied
      const runs = stageRuns(instrs, instr.stage);
      const covered = facts.leaks.filter((l) => {
        // Named explicitly (`COPY .env ./`): the user wants it.
        if (sources.some((s) => s !== '.' && l.paths.some((p) => s === p || s.startsWith(`${p}/`)))) return false;
        return l.paths.some((p) => selector.covers(p));
      });
      const leaks = covered.filter((l) => needed(l.kind, runs) && (l.bytes >= BIG || ['git', 'env', 'private-key'].includes(l.kind)));
      return [{ instr, raw, whole: sources.includes('.'), covered, leaks }];
    });
    // A pattern goes into the fix only when no COPY that ships the path keeps it for a reason (its stage does not install
    // or build it again), and no instruction after the first such COPY reads it.
    const excludable = facts.leaks.filter((l) => copies.every((c) => !c.covered.includes(l) || c.leaks.includes(l)));
    const first = copies.find((c) => c.leaks.length);
    const after = first ? instrs.filter((i) => i.start > first.instr.start) : [];
    const plain = excludable.filter((l) => !RISKY.has(l.kind));
    const reads = plain.map((l) => readLater(l, after)).find((r) => r !== undefined);
    for (const c of copies) {
      const ds012 = ctx.options.dockerignoreExists === false && c.whole;
      // When DS012 reports the same line, its new .dockerignore already holds .git and node_modules.
      const leaks = c.leaks.filter((l) => !(ds012 && DS012_COVERS.has(l.pattern)));
      if (leaks.length === 0) continue;
      const ordered = [...leaks].sort((a, b) => Number(RISKY.has(a.kind)) - Number(RISKY.has(b.kind)) || b.bytes - a.bytes);
      const named = ordered.map(
        (l) =>
          `${l.path}${l.paths.length > 1 ? ` and ${l.paths.length - 1} more` : ''} (${RISKY.has(l.kind) ? LABEL[l.kind] : `${formatBytes(l.bytes)}, ${LABEL[l.kind]}`})`,
      );
      const total = leaks.filter((l) => !RISKY.has(l.kind)).reduce((n, l) => n + l.bytes, 0);
      const where = facts.ignoreFile ? `${facts.ignoreFile} does not exclude` : 'there is no .dockerignore to exclude';
      const size = total > 0 ? ` (≈${formatBytes(total)}${facts.complete ? '' : ' or more'})` : '';
      const shown = c.instr.args.length <= 40 ? c.instr.args.replace(/\s+/g, ' ') : c.raw.join(' ');
      const message = `\`${c.instr.keyword} ${shown}\` ships ${named.join(', ')} from the build context${size}; ${where} ${leaks.length > 1 ? 'them' : 'it'}.`;
      const safeSet = plain.filter((l) => !(ds012 && DS012_COVERS.has(l.pattern)));
      const allSet = excludable.filter((l) => !(ds012 && DS012_COVERS.has(l.pattern)));
      const alternatives: Fix[] = [];
      let fix: Fix | undefined;
      if (safeSet.length && !reads) {
        fix = fixFor(safeSet, file, true, '');
        if (allSet.length > safeSet.length) alternatives.push(fixFor(allSet, file, false, 'the image may read them at run time'));
      } else if (allSet.length) fix = fixFor(allSet, file, false, reads ?? 'the image may read them at run time');
      ctx.report({
        instr: c.instr,
        start: c.instr.start,
        end: Math.min(c.instr.end, ctx.model.lines.lineEnd(c.instr.line)),
        message,
        ...(fix ? { fix } : {}),
        ...(alternatives.length ? { alternatives } : {}),
      });
    }
  },
});
