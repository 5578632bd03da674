import type { Instr } from '../kernel/model.js';
import { defineRule } from '../kernel/rule.js';
import { runViewOf } from '../analysis/run-views.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import type { ContextFacts } from '../../../common/src/build-context/types.js';
import { copySources } from '../../../common/src/build-context/copy-sources.js';

function copiesWholeContext(instr: Instr): boolean {
  if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return false;
  return (copySources(instr.args) ?? []).some((s) => /^\.\/?(\/\.)?$/.test(s));
}

/** Entries nobody's build needs; node_modules only when the Dockerfile installs its own. */
function content(installsNodeModules: boolean): string {
  const lines = [
    '# Created by Dockerfile Slim (DS012): files the build does not need stay out of the context and the image.',
    '# Remove an entry if a COPY really needs it.',
    '.git',
    '.hg',
    '.svn',
    '.dockerignore',
    'Dockerfile*',
    '.vscode',
    '.idea',
    '*.log',
    '**/__pycache__',
    '**/*.py[co]',
    '.pytest_cache',
    '.mypy_cache',
    'coverage',
    '.nyc_output',
  ];
  if (installsNodeModules) lines.push('# The Dockerfile runs its own npm/yarn/pnpm install.', '**/node_modules');
  lines.push('# Secrets: uncomment when the image does not read them at run time.', '# .env', '# .env.*');
  return lines.join('\n') + '\n';
}

/** The measured leaks this rule's `.dockerignore` removes, named with their sizes (when the caller walked the context). */
function measured(facts: ContextFacts | undefined, nodeModules: boolean): string | undefined {
  const leaks = (facts?.leaks ?? []).filter((l) => l.pattern === '.git' || (nodeModules && l.pattern === '**/node_modules'));
  if (!leaks.length) return undefined;
  return `${leaks.map((l) => `${l.path} (${formatBytes(l.bytes)})`).join(', ')}, logs and caches`;
}

const NODE_PMS = new Set(['npm', 'yarn', 'pnpm']);
const INSTALL = new Set(['install', 'ci', 'i', 'add']);

export default defineRule({
  id: 'DS012',
  name: 'dockerignore-missing',
  severity: 'warning',
  stageAware: true,
  fixable: 'always',
  // One .dockerignore for the file: each finding proposes it from its own stage's view, and `combine`
  // settles the content for the whole file (so DS012 does not force whole-file lints in the editor).
  combine: (findings) => {
    const nodeModules = findings.every((f) => f.fixDetail?.createFile?.content === content(true));
    const want = content(nodeModules);
    return findings.map((f) => {
      const d = f.fixDetail;
      return d?.createFile && d.createFile.content !== want ? { ...f, fixDetail: { ...d, createFile: { ...d.createFile, content: want } } } : f;
    });
  },
  docs: {
    summary: '`COPY . .` / `ADD . …` with no `.dockerignore` in the build context',
    why: 'Without a `.dockerignore`, copying the whole context also copies `.git` (often larger than the source), editor folders, logs, caches and local `node_modules` into the layer, and every change to them breaks the layer cache.',
    bad: 'COPY . /app',
    good: '# .dockerignore next to the Dockerfile:\n.git\n**/node_modules\n*.log',
    notes:
      'The engine only sees text, so it reports this only when the caller says the context has no `.dockerignore` (`LintOptions.dockerignoreExists === false`; the CLI and the editor check the file system). `COPY --from=…` and heredoc COPYs do not read the context and are not reported. ' +
      'The fix creates `.dockerignore` (never overwriting one) with entries no build needs: VCS folders, `Dockerfile*` and `.dockerignore` themselves (Docker still reads them), editor folders, `*.log`, Python bytecode and test caches, coverage output; `**/node_modules` only when the Dockerfile runs its own npm/yarn/pnpm install. ' +
      'It deliberately leaves out `dist`/`build` (often exactly what is copied) and only suggests `.env` files in comments, because an image may read them at run time. In stages that do not ship the finding is a hint.',
    seeAlso: ['hadolint issue #1199 (request)', 'BuildKit CopyIgnoredFile (the opposite problem)'],
  },
  check(ctx) {
    if (ctx.options.dockerignoreExists !== false) return;
    const copies = ctx.model.instrs.filter(copiesWholeContext);
    if (copies.length === 0) return;
    // node_modules is ignored only when every stage that copies the context installs its own: this stage's
    // view here, the file's in `combine`. Only RUNs that mention a node package manager are parsed.
    const installers = new Set(
      ctx.model.instrs
        .filter((i) => i.keyword === 'RUN' && /\b(npm|yarn|pnpm)\b|\$/.test(i.args))
        .filter((i) => runViewOf(i)?.calls.some((c) => NODE_PMS.has(c.name) && INSTALL.has(c.args[0]?.value ?? '')))
        .map((i) => i.stage),
    );
    for (const instr of copies) {
      ctx.report({
        instr,
        start: instr.start,
        end: Math.min(instr.end, ctx.model.lines.lineEnd(instr.line)),
        message: `\`${instr.keyword} .\` copies the whole build context, and there is no .dockerignore: ${measured(ctx.options.context, installers.has(instr.stage)) ?? '.git, logs and caches'} end up in the image.`,
        fix: { title: 'Create .dockerignore', safe: true, edits: [], createFile: { path: '.dockerignore', content: content(installers.has(instr.stage)) } },
      });
    }
  },
});
