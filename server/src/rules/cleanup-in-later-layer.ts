import { mergeRuns } from '../kernel/edits.js';
import type { Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, viewMap } from '../analysis/run-views.js';
import { deletionsByCall } from '../analysis/layer-contents/contents.js';
import { isRemoval, pkgOps } from '../analysis/package-managers/operations.js';
import { origins, runsAcross } from '../analysis/cleanup-origins.js';
import { moveDeletionFix } from '../analysis/cleanup-move.js';

export default defineRule({
  id: 'DS002',
  name: 'cleanup-in-later-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  measuredSaving: 'removesBytes', // the cleanup RUN: bytes it deletes from earlier layers, which still ship
  docs: {
    summary: 'A later RUN removes what an earlier layer added; the bytes still ship',
    why: 'Layers only add: deleting a file or uninstalling a package in a later RUN hides it but leaves every byte in the earlier layer, and can even make the image bigger (the deletion is a layer of its own).',
    bad: 'RUN apk add --no-cache --virtual .build-deps gcc make\nRUN make -C /src install\nRUN apk del .build-deps',
    good: 'RUN apk add --no-cache --virtual .build-deps gcc make && \\\n    make -C /src install && \\\n    apk del .build-deps',
    notes:
      'Tracks `apk add` (including `--virtual` names) → `apk del`, `apt-get install` → `apt-get purge/remove/autoremove <pkg>`, files downloaded with `wget` (`-O`, `-P` or the URL basename) or `curl -o/-O`, `git clone` directories, and COPY/ADD destinations (relative paths resolved against WORKDIR and `cd`), in the same stage and its FROM ancestors. ' +
      'The fix merges every RUN from the one that created the files to the one that deletes them into one RUN, running RUNs that change shell state (`cd`, `export`) in a subshell so later commands behave as before. A WORKDIR between them (a one-line absolute path, in a stage that runs as root on a known distribution base) becomes `mkdir -p <dir> && cd <dir>` inside the merged RUN, and the WORKDIR is written again after it. When the RUNs cannot be merged (another instruction between, different flags) and the cleanup RUN is one `rm` of absolute paths that one earlier RUN created, the fix moves that `rm` to the end of the creating RUN: safe when provably nothing between reads or writes those paths (instructions that touch no files, a WORKDIR/COPY/ADD writing elsewhere, RUNs that name neither the paths, their basenames nor a directory holding them, with no glob or variable), otherwise unsafe with the instruction that may. Otherwise there is no fix when another instruction sits between them, when the RUNs have different flags, when a suppression comment sits between them, when the files came from an ancestor stage, or when COPY/ADD created them (exclude them with `.dockerignore` or copy less instead). In stages that do not ship the finding is a hint.',
    seeAlso: ['DS001', 'DS013', 'dive (wasted space)'],
  },
  check(ctx) {
    const views = viewMap(ctx.model);
    for (const view of runViews(ctx.model)) {
      const deletions = deletionsByCall(view);
      const removalIdx = pkgOps(view)
        .filter(isRemoval)
        .map((o) => o.callIndex);
      if (deletions.size === 0 && removalIdx.length === 0) continue;
      const idxs = [...new Set([...deletions.keys(), ...removalIdx])].sort((a, b) => a - b);
      for (const idx of idxs) {
        const found = origins(ctx.model, view, idx, deletions, views);
        if (found.length === 0) continue;
        const first = found.reduce((a, b) => (b.instr.start < a.instr.start ? b : a));
        const call = view.calls[idx];
        if (!call) continue;
        const lines = [...new Set(found.map((f) => f.instr.line + 1))].join(', ');
        const whats = found.map((f) => `${f.what} at line ${f.instr.line + 1})`).join(', ');
        const copied = found.some((f) => f.instr.keyword !== 'RUN' && !f.what.includes('(downloaded'));
        const added = found.some((f) => f.instr.keyword !== 'RUN');
        let fix: Fix | undefined;
        const plan = added ? null : runsAcross(ctx.model, first.instr, view.instr);
        const edits = plan ? mergeRuns(ctx.model, plan.runs, true, plan.workdirs) : null;
        const moved = plan?.workdirs.length
          ? `, \`mkdir -p && cd\` for ${plan.workdirs.map((w) => `WORKDIR ${w.dir}`).join(', ')} and the WORKDIR after it`
          : '';
        if (edits) fix = { title: `Merge the RUNs from line ${first.instr.line + 1} to ${view.instr.line + 1} into one${moved}`, safe: true, edits };
        else if (!added && found.every((f) => f.instr === first.instr)) fix = moveDeletionFix(ctx.model, view, deletions.get(idx) ?? [], first.instr);
        const advice = copied
          ? 'exclude them with .dockerignore or a narrower COPY'
          : added
            ? 'download, unpack and delete in one RUN instead of ADD'
            : fix
              ? 'do the cleanup in the RUN that added them'
              : 'do the cleanup in the RUN that added them (or use a multi-stage build)';
        ctx.report({
          instr: view.instr,
          ...callRange(view.run, call),
          message: `\`${call.name}\` removes ${whats}: the bytes added at line ${lines} still ship in that layer; ${advice}.`,
          fix,
        });
      }
    }
  },
});
