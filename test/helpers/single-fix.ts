/**
 * The single-fix invariant (issue 22): applying ONE finding's fix alone, as a quick fix from the light
 * bulb does, removes that finding and creates no finding that was not there: the fixed rule's count
 * falls, and no other rule's count of shown findings (above hint) rises. Safe and unsafe fixes alike.
 * Hints do not count as bred: they draw no squiggle (e.g. a build moved into a builder stage by the
 * multi-stage conversion, whose findings there are hints by design).
 */
import { applyEdits, lintDetailed, type DetailedFinding } from '../../server/src/engine/index.js';
import type { LintOptions } from '../../server/src/kernel/types.js';

/** Findings per rule; `shown` counts only those drawn as squiggles (a hint is not one: builder stages, zero savings). */
function countByRule(findings: readonly DetailedFinding[], shown = false): Map<string, number> {
  const n = new Map<string, number>();
  for (const f of findings) if (!shown || f.severity !== 'hint') n.set(f.rule, (n.get(f.rule) ?? 0) + 1);
  return n;
}

/** Violations of the invariant for every fix on `text` (empty = fine), each naming the rule, line and fix. */
export function singleFixProblems(text: string, options: LintOptions = {}): string[] {
  const problems: string[] = [];
  const findings = lintDetailed(text, options);
  const before = countByRule(findings);
  const shownBefore = countByRule(findings, true);
  for (const f of findings) {
    const fx = f.fixDetail;
    if (!fx) continue;
    // A fix that only appends to the ignore file changes the build context, not this text: its effect on the
    // finding (DS017) needs the context walked again, which test/docker/context-sizes.test.ts does with a real build.
    if (fx.createFile?.append && fx.edits.length === 0) continue;
    const fixed = applyEdits(text, fx.edits);
    // A fix that creates `.dockerignore` is judged with it present (DS012's own fix).
    const found = lintDetailed(fixed, fx.createFile ? { ...options, dockerignoreExists: true } : options);
    const after = countByRule(found);
    const where = `${f.rule}@${f.line} "${fx.title}"${fx.safe ? '' : ' (unsafe)'}`;
    if ((after.get(f.rule) ?? 0) >= (before.get(f.rule) ?? 0)) {
      problems.push(`${where} leaves its own finding (${f.rule}: ${before.get(f.rule)} → ${after.get(f.rule) ?? 0})`);
    }
    for (const [rule, n] of countByRule(found, true)) {
      if (rule !== f.rule && n > (shownBefore.get(rule) ?? 0)) problems.push(`${where} breeds ${rule} (${shownBefore.get(rule) ?? 0} → ${n})`);
    }
  }
  return problems;
}
