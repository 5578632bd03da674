/** The fixGroups invariants, for one file (test/unit/fix-groups.test.ts inline, test/corpus/fix-groups.test.ts over the corpus). */
import assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { applyEdits, fix } from '../../server/src/engine/index.js';
import { fixGroups } from '../../server/src/engine/fix-groups.js';

const errors = (text: string): number => validate(text).filter((d) => d.severity === 1).length;

export function check(name: string, text: string, unsafe: boolean): number {
  const g = fixGroups(text, { unsafe, dockerignoreExists: true });
  const expected = fix(text, { unsafe, dockerignoreExists: true }).text;
  const all = g.groups.flatMap((x) => x.edits);
  assert.equal(applyEdits(text, all), expected, `${name}: all groups == fix`);
  assert.equal(g.text, expected, `${name}: text == fix`);
  const sorted = [...all].sort((a, b) => a.start - b.start);
  sorted.reduce((prev, e) => (assert.ok(prev < e.start, `${name}: edits do not touch`), e.end), -1);
  const base = errors(text);
  for (const [i, left] of g.groups.entries()) {
    const partial = applyEdits(
      text,
      g.groups.filter((_, j) => j !== i).flatMap((x) => x.edits),
    );
    assert.ok(errors(partial) <= base, `${name}: leaving out ${left.fixes.map((f) => f.rule).join('+')} parses`);
  }
  return g.groups.length;
}
