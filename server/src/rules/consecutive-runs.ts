import { calls, changesShellState, deletedPaths } from '../kernel/commands.js';
import { mergeable, mergeRuns } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import { docEnd } from '../kernel/run-script.js';
import { defineRule } from '../kernel/rule.js';
import { hasHeredoc, pragmaBetween } from '../analysis/layer-contents/contents.js';
import { cleanupOrigins } from '../analysis/cleanup-origins.js';
import { isRemoval, pkgOps } from '../analysis/package-managers/operations.js';

/** The first RUN after the group's first one that deletes files or removes packages (its bytes still ship before it). */
function deleter(group: readonly Instr[]): Instr | undefined {
  return group.slice(1).find((i) => {
    if (!i.run) return false;
    const cs = calls(i.run.script.commands, i.env);
    if (cs.some((c) => deletedPaths(c, i.env).length > 0 || (c.name.endsWith('-get') && c.args.some((a) => a.value === 'clean')))) return true;
    return pkgOps({ instr: i, run: i.run, calls: cs }).some(isRemoval);
  });
}

/** A RUN hadolint's DL3059 counts: shell form, exactly one simple command (no `&&`, `;`, `|`). */
function singleCommand(instr: Instr): boolean {
  const run = instr.run;
  return !!run && run.form === 'shell' && !hasHeredoc(instr) && run.script.commands.length === 1;
}

function flagKey(instr: Instr): string {
  return (instr.run?.flags ?? [])
    .map((f) => `--${f.name}=${f.value}`)
    .sort()
    .join(' ');
}

/**
 * Maximal groups of consecutive single-command RUNs (only comments between) with identical
 * flags. A RUN that changes shell state (`cd`, `export`, …) may only end a group: merged
 * before later commands, its state would leak into them. A cleanup RUN whose files came from
 * before the group joins no group: merged with its neighbours it would still save nothing (DS002
 * merges it with the RUN that made the files instead).
 */
export function consecutiveRunGroups(model: Model): Instr[][] {
  const groups: Instr[][] = [];
  let cur: Instr[] = [];
  const close = (): void => {
    if (cur.length > 1) groups.push(cur);
    cur = [];
  };
  for (const instr of model.instrs) {
    if (instr.keyword !== 'RUN' || !singleCommand(instr)) {
      close();
      continue;
    }
    const made = cleanupOrigins(model, instr);
    if (made && made.length > 0 && !made.some((m) => cur.includes(m))) {
      close();
      continue;
    }
    const prev = cur[cur.length - 1];
    const joins =
      prev !== undefined &&
      prev.stage === instr.stage &&
      prev.onbuild === instr.onbuild &&
      flagKey(prev) === flagKey(instr) &&
      !changesShellState(prev.run?.script.commands ?? []) &&
      !pragmaBetween(model, prev, instr) &&
      mergeable(model, [prev, instr]);
    if (!joins) close();
    cur.push(instr);
  }
  close();
  return groups;
}

export default defineRule({
  id: 'DS001',
  name: 'consecutive-runs',
  severity: 'info',
  stageAware: true,
  fixable: 'always',
  focus: /^\s*[A-Za-z]+/, // the RUN keyword
  hadolint: ['DL3059'],
  docs: {
    summary: 'Consecutive single-command RUN instructions that could be one layer',
    why: 'Every RUN makes a layer. Files that one RUN creates and a later RUN deletes or overwrites still ship in the earlier layer; in one RUN they never reach the image. Even without such files, fewer layers mean less metadata and fewer round trips on pull.',
    bad: 'RUN apk add --no-cache git\nRUN git clone https://example.com/app /src',
    good: 'RUN apk add --no-cache git && \\\n    git clone https://example.com/app /src',
    notes:
      'Follows hadolint DL3059: two or more consecutive RUNs (only comment lines between) with identical flags, where each RUN is a single command; a RUN with a `&&`/`;`/`|` chain ends the group. Reported once per group, on its second RUN, with a fix that merges the whole group (comments kept as comment lines inside the continuation, `--mount` flags kept). ' +
      'Deliberate differences from hadolint: exec-form and heredoc RUNs are never grouped (they cannot be merged without changing how they run); a RUN that changes shell state (`cd`, `export`, `set`, `source`, `umask`, `exit`, a bare `X=1`) never starts or continues a group (merging would carry its state into the next command), though it may end one; flags are compared as a set; a `# hadolint ignore=` / `# dockerfile-slim ignore=` comment between two RUNs ends the group (merged, it would no longer suppress anything); consecutive `ONBUILD RUN` triggers are grouped too (hadolint does not compose DL3059 with ONBUILD). In stages that do not ship the finding is a hint. ' +
      "Quiet by default: when no RUN of the group deletes files or removes packages, merging saves no bytes (only layer metadata), so the finding is a hint rather than a squiggle (hadolint reports DL3059 either way); it is info when a later RUN of the group deletes what an earlier one made. Setting the rule's severity explicitly reports every group at that severity.",
    seeAlso: ['hadolint DL3059', 'DS002'],
  },
  check(ctx) {
    for (const group of consecutiveRunGroups(ctx.model)) {
      const first = group[0] as Instr;
      const second = group[1] as Instr;
      const run = second.run;
      if (!run) continue;
      const edits = mergeRuns(ctx.model, group, false);
      const lines = group.map((g) => g.line + 1).join(', ');
      const del = deleter(group);
      const ships = del ? `, and what line ${del.line + 1} deletes still ships in an earlier layer` : '';
      ctx.report({
        instr: second,
        start: second.start,
        end: docEnd(run, run.script.contentEnd),
        message: `${group.length} consecutive single-command RUNs (lines ${lines}) make ${group.length} layers where one would do${ships}: merge them into the RUN at line ${first.line + 1}.`,
        fix: edits ? { title: `Merge ${group.length} RUN instructions into one`, safe: true, edits } : undefined,
        // Quiet policy: merging saves bytes only when a RUN of the group deletes what an earlier one made.
        ...(del ? {} : { quiet: true as const }),
      });
    }
  },
});
