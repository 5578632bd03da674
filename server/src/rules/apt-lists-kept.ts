import { cleansDir, type Call } from '../kernel/commands.js';
import { appendCommand, mergeable, mergeRuns } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import type { Edit, Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, hasCacheMount, runViews, type RunView } from '../analysis/run-views.js';
import { laterRuns } from '../analysis/layer-contents/contents.js';
import { cacheMountFix } from '../analysis/package-managers/cache-mounts.js';

const APT = new Set(['apt-get', 'apt', 'aptitude']);
const LISTS = '/var/lib/apt/lists';
const RM = 'rm -rf /var/lib/apt/lists/*';
/** apt operations that read the package lists. */
const READS_LISTS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'source', 'build-dep', 'download', 'reinstall']);
const CACHE_READS = new Set(['show', 'policy', 'madison', 'depends', 'rdepends', 'search', 'showsrc']);

const isUpdate = (c: Call): boolean => APT.has(c.name) && c.args.some((a) => a.value === 'update');
function readsLists(c: Call): boolean {
  if (APT.has(c.name)) return c.args.some((a) => READS_LISTS.has(a.value));
  return c.name === 'apt-cache' && c.args.some((a) => CACHE_READS.has(a.value));
}

/**
 * The later RUNs of the stage (or of stages built FROM it) that read the lists without their own
 * `apt-get update` first: deleting the lists here would break them.
 */
function laterReaders(model: Model, instr: Instr): RunView[] {
  const out: RunView[] = [];
  const refreshed = new Set<unknown>();
  for (const v of laterRuns(model, instr)) {
    if (refreshed.has(v.instr.stage) || hasCacheMount(v.run, ['/var/lib/apt'])) continue;
    const read = v.calls.findIndex(readsLists);
    const update = v.calls.findIndex(isUpdate);
    if (read >= 0 && (update < 0 || read < update)) out.push(v);
    if (update >= 0) {
      if (instr.stage === null || v.instr.stage === instr.stage) break; // fresh lists from here on
      refreshed.add(v.instr.stage);
    }
  }
  return out;
}

/** `apt-get update && ` in front of a later RUN's script, so it no longer depends on our lists. */
function prependUpdate(view: RunView): Edit | null {
  const run = view.run;
  if (run.form === 'heredoc') return null;
  if (run.form === 'exec' || run.script.unterminated) return null;
  if (run.bodyStart >= view.instr.end) return null;
  return { start: run.bodyStart, end: run.bodyStart, text: 'apt-get update && ' };
}

/** A RUN that updates the lists (or reads them after an update) must also delete them, or it keeps them in its layer. */
function cleanup(model: Model, view: RunView): Edit | null | undefined {
  if (cleansDir(view.calls, 0, [LISTS], view.instr.env)) return undefined;
  return appendCommand(model, view.instr, RM);
}

/** The whole instruction's lines, for deleting a RUN that did nothing but `apt-get update` (when it holds no comment). */
function deleteInstr(model: Model, view: RunView): Edit | null {
  const { instr } = view;
  if (view.calls.length !== 1 || view.run.script.commands.length !== 1 || instr.onbuild || view.run.form !== 'shell') return null;
  const start = model.lines.lineStart(instr.line);
  const end = instr.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(instr.endLine + 1) : model.text.length;
  const text = model.text.slice(start, end);
  if (text.includes('#') || model.text.slice(start, instr.start).trim() !== '') return null;
  return { start, end, text: '' };
}

/**
 * The fix when later RUNs install from the lists this RUN downloads. Chosen so that it creates no
 * new finding: the readers right after this RUN are merged into it (the lists deleted at the end);
 * every other reader gets its own `apt-get update && … && rm -rf` (and a RUN that only updated goes).
 */
function fixWithReaders(model: Model, self: RunView, readers: RunView[]): Fix | null {
  let k = 0;
  // Merge the readers that follow directly; stop after one that deletes the lists itself (a reader after it needs its own update).
  while (k < readers.length && mergeable(model, [self.instr, ...readers.slice(0, k + 1).map((r) => r.instr)])) {
    if (cleansDir((readers[k] as RunView).calls, 0, [LISTS], (readers[k] as RunView).instr.env)) {
      k++;
      break;
    }
    k++;
  }
  const edits: Edit[] = [];
  let deleted = false;
  const merged = readers.slice(0, k);
  const rest = readers.slice(k);
  if (merged.length) {
    const join = mergeRuns(model, [self.instr, ...merged.map((r) => r.instr)], true);
    const last = merged[merged.length - 1] as RunView;
    const rm = cleanup(model, last);
    if (!join || rm === null) return null;
    edits.push(...join, ...(rm ? [rm] : []));
  } else {
    const gone = deleteInstr(model, self);
    deleted = !!gone;
    const rm = gone ?? appendCommand(model, self.instr, RM);
    if (!rm) return null;
    edits.push(rm);
  }
  for (const r of rest) {
    const update = prependUpdate(r);
    const rm = cleanup(model, r);
    if (!update || rm === null) return null;
    edits.push(update, ...(rm ? [rm] : []));
  }
  const lines = (vs: RunView[]): string => vs.map((r) => r.instr.line + 1).join(', ');
  const title = merged.length
    ? `Merge with the RUN${merged.length > 1 ? 's' : ''} at line ${lines(merged)} and delete the lists there${rest.length ? `; update again at line ${lines(rest)}` : ''}`
    : deleted
      ? `Move \`apt-get update\` into the RUN${rest.length > 1 ? 's' : ''} at line ${lines(rest)} and delete the lists there`
      : `Append \`${RM}\`, update again at line ${lines(rest)}`;
  return { title, safe: true, edits };
}

function appendFix(model: Model, instr: Instr): Fix | null {
  const edit = appendCommand(model, instr, RM);
  return edit ? { title: `Append \`${RM}\``, safe: true, edits: [edit] } : null;
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
      'When a later RUN of the stage (or of a stage built FROM it) runs `apt-get install` (or upgrade, source, `apt-cache show`…) without its own `apt-get update`, deleting the lists here would break it. The fix then merges the RUNs that follow directly into this one and deletes the lists at the end (`RUN apt-get update` + `RUN apt-get install …` become one RUN); a reader further down gets its own `apt-get update && … && rm -rf /var/lib/apt/lists/*`, and a RUN that did nothing but `apt-get update` is then removed. So the fix never leaves a layer that downloads the lists only to delete them, nor a new DS003 on the reader. When a reader is a here-document or exec form, no fix is offered.',
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
      const readers = laterReaders(ctx.model, instr);
      const message = `\`${call.name} update\` leaves the package lists (tens of MB) in this layer: delete /var/lib/apt/lists/* in the same RUN.`;
      const self = { instr, run, calls };
      const fix = readers.length ? fixWithReaders(ctx.model, self, readers) : appendFix(ctx.model, instr);
      if (readers.length && !fix) {
        ctx.report({
          instr,
          ...callRange(run, call),
          message: `${message} The RUN at line ${(readers[0] as RunView).instr.line + 1} installs from them: give it its own \`apt-get update\`.`,
        });
        continue;
      }
      ctx.report({ instr, ...callRange(run, call), message, fix: fix ?? undefined, alternatives: cacheMountFix(ctx.model, instr, 'apt') });
    }
  },
});
