import { cleansDir } from '../engine/commands.js';
import { appendCommand } from '../engine/edits.js';
import { defineRule } from './rule.js';
import { cacheMountFix } from './cache-mounts.js';
import { callRange, hasCacheMount, runViews } from './helpers.js';

const APT = new Set(['apt-get', 'apt', 'aptitude']);
const LISTS = '/var/lib/apt/lists';

export default defineRule({
  id: 'DS003',
  name: 'apt-lists-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  hadolint: ['DL3009'],
  docs: {
    summary: '`apt-get update` without deleting `/var/lib/apt/lists` in the same RUN',
    why: 'The package index that `apt-get update` downloads (often 20–50 MB) stays in the layer. Deleting it in a later RUN does not help: the earlier layer still ships it.',
    bad: 'RUN apt-get update && apt-get install -y --no-install-recommends curl',
    good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    notes:
      'Any `rm` (or `find … -delete`) that really removes `/var/lib/apt/lists` counts: `rm -rf /var/lib/apt/lists/*`, `rm -fr /var/lib/apt/lists`, `rm -rf /var/lib/apt`. Unlike hadolint, an unrelated `rm -rf /tmp/x` does not count, and `rm -fr /var/lib/apt/lists` is accepted. `apt-get clean` alone does not delete the lists. A cache or tmpfs mount on `/var/lib/apt` exempts the RUN. In stages that do not ship (builder stages copied from selectively) the finding is a hint.',
    seeAlso: ['hadolint DL3009'],
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      if (hasCacheMount(run, ['/var/lib/apt'])) continue;
      const idx = calls.findIndex((c) => APT.has(c.name) && c.args.some((a) => a.value === 'update'));
      if (idx < 0) continue;
      if (cleansDir(calls, idx + 1, [LISTS], instr.env)) continue;
      const call = calls[idx]!;
      const edit = appendCommand(ctx.model, instr, 'rm -rf /var/lib/apt/lists/*');
      ctx.report({
        instr,
        ...callRange(run, call),
        message: `\`${call.name} update\` leaves the package lists (tens of MB) in this layer: delete /var/lib/apt/lists/* in the same RUN.`,
        fix: edit ? { title: 'Append `rm -rf /var/lib/apt/lists/*`', safe: true, edits: [edit] } : undefined,
        alternatives: cacheMountFix(ctx.model, instr, 'apt'),
      });
    }
  },
});
