import { cleansDir, hasFlag, positionals } from '../engine/commands.js';
import { insertAfterWord } from '../engine/edits.js';
import { defineRule } from './rule.js';
import { cacheMountFix } from './cache-mounts.js';
import { callRange, hasCacheMount, runViews } from './helpers.js';

const APK_VALUE_OPTS = new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '-t', '--virtual', '--repositories-file', '--keys-dir']);

export default defineRule({
  id: 'DS005',
  name: 'apk-cache-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'always',
  hadolint: ['DL3019'],
  docs: {
    summary: '`apk add` without `--no-cache`',
    why: 'Without `--no-cache`, apk keeps the package index and downloaded packages under `/var/cache/apk` in the layer.',
    bad: 'RUN apk add curl',
    good: 'RUN apk add --no-cache curl',
    notes:
      'A cache or tmpfs mount on `/var/cache/apk`, or removing `/var/cache/apk` later in the same RUN, exempts the command. In stages that do not ship the finding is a hint.',
    seeAlso: ['hadolint DL3019'],
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      if (hasCacheMount(run, ['/var/cache/apk'])) continue;
      calls.forEach((call, idx) => {
        if (call.name !== 'apk') return;
        const sub = positionals(call, APK_VALUE_OPTS)[0];
        if (!sub || sub.value !== 'add' || hasFlag(call, ['no-cache'])) return;
        if (cleansDir(calls, idx + 1, ['/var/cache/apk'], instr.env)) return;
        const edit = insertAfterWord(instr, sub, '--no-cache');
        ctx.report({
          instr,
          ...callRange(run, call),
          message: '`apk add` without `--no-cache` keeps the package index in /var/cache/apk in this layer.',
          fix: edit ? { title: 'Add `--no-cache`', safe: true, edits: [edit] } : undefined,
          alternatives: cacheMountFix(ctx.model, instr, 'apk', call),
        });
      });
    }
  },
});
