import { cleansDir, type Call } from '../kernel/commands.js';
import { appendCommand } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import type { Edit } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, hasCacheMount, runViews, type RunView } from '../analysis/run-views.js';
import { laterRuns } from '../analysis/layer-contents/contents.js';
import { cacheMountFix } from '../analysis/package-managers/cache-mounts.js';

const APT = new Set(['apt-get', 'apt', 'aptitude']);
const LISTS = '/var/lib/apt/lists';
/** apt operations that read the package lists. */
const READS_LISTS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'source', 'build-dep', 'download', 'reinstall']);
const CACHE_READS = new Set(['show', 'policy', 'madison', 'depends', 'rdepends', 'search', 'showsrc']);

const isUpdate = (c: Call): boolean => APT.has(c.name) && c.args.some((a) => a.value === 'update');
function readsLists(c: Call): boolean {
  if (APT.has(c.name)) return c.args.some((a) => READS_LISTS.has(a.value));
  return c.name === 'apt-cache' && c.args.some((a) => CACHE_READS.has(a.value));
}

/** The first later RUN of the stage (or of a stage built FROM it) that reads the lists without its own `apt-get update`. */
function laterReader(model: Model, instr: Instr): RunView | undefined {
  for (const v of laterRuns(model, instr)) {
    if (hasCacheMount(v.run, ['/var/lib/apt'])) continue;
    const read = v.calls.findIndex(readsLists);
    const update = v.calls.findIndex(isUpdate);
    if (update >= 0 && (read < 0 || update < read)) {
      if (instr.stage === null || v.instr.stage === instr.stage) return undefined; // fresh lists from here on
      continue;
    }
    if (read >= 0) return v;
  }
  return undefined;
}

/** `apt-get update && ` in front of a later RUN's script, so it no longer depends on our lists. */
function prependUpdate(view: RunView): Edit | null {
  const run = view.run;
  if (run.form === 'heredoc') return null;
  if (run.form === 'exec' || run.script.unterminated) return null;
  if (run.bodyStart >= view.instr.end) return null;
  return { start: run.bodyStart, end: run.bodyStart, text: 'apt-get update && ' };
}

export default defineRule({
  id: 'DS003',
  name: 'apt-lists-kept',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\bupdate\b/,
  measuredSaving: 'aptListsBytes',
  hadolint: ['DL3009'],
  docs: {
    summary: '`apt-get update` without deleting `/var/lib/apt/lists` in the same RUN',
    why: 'The package index that `apt-get update` downloads (often 20–50 MB) stays in the layer. Deleting it in a later RUN does not help: the earlier layer still ships it.',
    bad: 'RUN apt-get update && apt-get install -y --no-install-recommends curl',
    good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    notes:
      'Any `rm` (or `find … -delete`) that really removes `/var/lib/apt/lists` counts: `rm -rf /var/lib/apt/lists/*`, `rm -fr /var/lib/apt/lists`, `rm -rf /var/lib/apt`. Unlike hadolint, an unrelated `rm -rf /tmp/x` does not count, and `rm -fr /var/lib/apt/lists` is accepted. `apt-get clean` alone does not delete the lists. A cache or tmpfs mount on `/var/lib/apt` exempts the RUN. In stages that do not ship (builder stages copied from selectively) the finding is a hint. ' +
      'When a later RUN of the stage (or of a stage built FROM it) runs `apt-get install` (or upgrade, source, `apt-cache show`…) without its own `apt-get update`, deleting the lists here would break it: the fix then also puts `apt-get update && ` in front of that RUN (safe), or, when that RUN is a here-document or exec form, is not offered.',
    cacheMount: {
      mount:
        '`RUN --mount=type=cache,id=apt-cache,target=/var/cache/apt,sharing=locked --mount=type=cache,id=apt-lists,target=/var/lib/apt/lists,sharing=locked`',
      details:
        "Debian's and Ubuntu's images delete every downloaded `.deb` after each install (`/etc/apt/apt.conf.d/docker-clean`), which would leave the package cache empty, so the fix sets that file aside at the start of the RUN and puts it back at its end (later RUNs without a mount still clean up); `test/docker/cache-mounts-apt.test.ts` shows the second build taking the `.deb` from the cache. Only for shell-form RUNs.",
    },
    seeAlso: ['hadolint DL3009'],
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      if (hasCacheMount(run, ['/var/lib/apt'])) continue;
      const idx = calls.findIndex(isUpdate);
      if (idx < 0) continue;
      if (cleansDir(calls, idx + 1, [LISTS], instr.env)) continue;
      const call = calls[idx]!;
      const edit = appendCommand(ctx.model, instr, 'rm -rf /var/lib/apt/lists/*');
      const reader = laterReader(ctx.model, instr);
      const also = reader ? prependUpdate(reader) : null;
      const message = `\`${call.name} update\` leaves the package lists (tens of MB) in this layer: delete /var/lib/apt/lists/* in the same RUN.`;
      if (reader && !also) {
        ctx.report({
          instr,
          ...callRange(run, call),
          message: `${message} The RUN at line ${reader.instr.line + 1} installs from them: give it its own \`apt-get update\`.`,
        });
        continue;
      }
      const title = also ? `Append \`rm -rf /var/lib/apt/lists/*\`, update again at line ${reader!.instr.line + 1}` : 'Append `rm -rf /var/lib/apt/lists/*`';
      ctx.report({
        instr,
        ...callRange(run, call),
        message,
        fix: edit ? { title, safe: true, edits: also ? [edit, also] : [edit] } : undefined,
        alternatives: cacheMountFix(ctx.model, instr, 'apt'),
      });
    }
  },
});
