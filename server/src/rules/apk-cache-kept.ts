import { cleansDir, hasFlag, positionals, type Call } from '../kernel/commands.js';
import { appendCommand, insertAfterWord } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import { docEnd, docStart } from '../kernel/run-script.js';
import { defineRule } from '../kernel/rule.js';
import { cacheMountFix } from '../analysis/package-managers/cache-mounts.js';
import { callRange, hasCacheMount, runViews } from '../analysis/run-views.js';
import { laterRuns } from '../analysis/layer-contents/contents.js';

const APK_VALUE_OPTS = new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '-t', '--virtual', '--repositories-file', '--keys-dir']);

const sub = (call: Call): string | undefined => (call.name === 'apk' ? positionals(call, APK_VALUE_OPTS)[0]?.value : undefined);

/** A later RUN (this stage or one built FROM it) whose `apk add` without `--no-cache` reads the index `apk update` left. */
function laterReader(model: Model, instr: Instr): Instr | undefined {
  for (const v of laterRuns(model, instr)) {
    for (const c of v.calls) {
      if (sub(c) === 'update') {
        if (v.instr.stage === instr.stage) return undefined; // a fresh index from here on
        break;
      }
      if (sub(c) === 'add' && !hasFlag(c, ['no-cache'])) return v.instr;
    }
  }
  return undefined;
}

export default defineRule({
  id: 'DS005',
  name: 'apk-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\badd\b/,
  hadolint: ['DL3019'],
  docs: {
    summary: '`apk add` without `--no-cache`',
    why: 'Without `--no-cache`, apk keeps the package index and downloaded packages under `/var/cache/apk` in the layer.',
    bad: 'RUN apk add curl',
    good: 'RUN apk add --no-cache curl',
    notes:
      'A cache or tmpfs mount on `/var/cache/apk`, or removing `/var/cache/apk` later in the same RUN, exempts the command. ``apk add --update` (`-U`) gets `--no-cache` in place of `--update`, which then only repeats what `--no-cache` does. `apk update` is reported too: it writes the index into `/var/cache/apk` even when every `apk add` has `--no-cache` (which fetches its own index, so the update is not needed). Its fix appends `rm -rf /var/cache/apk/*`; not offered when a later RUN runs `apk add` without `--no-cache` and without its own update (it reads that index). In stages that do not ship the finding is a hint.',
    cacheMount: {
      mount: '`RUN --mount=type=cache,target=/var/cache/apk`',
    },
    seeAlso: ['hadolint DL3019'],
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      if (hasCacheMount(run, ['/var/cache/apk'])) continue;
      calls.forEach((call, idx) => {
        if (call.name !== 'apk') return;
        if (sub(call) === 'update' && !cleansDir(calls, idx + 1, ['/var/cache/apk'], instr.env)) {
          const reader = laterReader(ctx.model, instr);
          const edit = reader ? null : appendCommand(ctx.model, instr, 'rm -rf /var/cache/apk/*');
          ctx.report({
            instr,
            ...callRange(run, call),
            message: `\`apk update\` leaves the package index in /var/cache/apk in this layer (\`apk add --no-cache\` does not need it)${reader ? `; the RUN at line ${reader.line + 1} installs from it` : ''}.`,
            fix: edit ? { title: 'Append `rm -rf /var/cache/apk/*`', safe: true, edits: [edit] } : undefined,
          });
          return;
        }
        const word = positionals(call, APK_VALUE_OPTS)[0];
        if (!word || word.value !== 'add' || hasFlag(call, ['no-cache'])) return;
        if (cleansDir(calls, idx + 1, ['/var/cache/apk'], instr.env)) return;
        // `--update` (`-U`) fetches a fresh index, which `--no-cache` does too: replace it rather than keep both.
        const update = run.form === 'shell' ? call.args.find((a) => a.raw === '--update' || a.raw === '--update-cache' || a.raw === '-U') : undefined;
        const edit = update
          ? { start: docStart(run, update.start), end: docEnd(run, update.end), text: '--no-cache' }
          : insertAfterWord(instr, word, '--no-cache');
        ctx.report({
          instr,
          ...callRange(run, call),
          message: '`apk add` without `--no-cache` keeps the package index in /var/cache/apk in this layer.',
          fix: edit ? { title: update ? `Replace \`${update.raw}\` with \`--no-cache\`` : 'Add `--no-cache`', safe: true, edits: [edit] } : undefined,
          alternatives: cacheMountFix(ctx.model, instr, 'apk', call),
        });
      });
    }
  },
});
