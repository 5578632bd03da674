/** Helpers of the DS010 conversion tests (multi-stage-stacks, multi-stage-real-files). */
import assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { fix, lint, lintDetailed } from '../../server/src/engine/index.js';

export const errors = (text: string): string[] =>
  validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => String(typeof d.message === 'string' ? d.message : d.message.value));

export function ds010(text: string): { title: string; safe: boolean } | undefined {
  return lint(text).find((f) => f.rule === 'DS010')?.fix;
}

/** Converts with DS010 only and checks the result: parses, no DS010, idempotent, every original line kept. */
export function convert(text: string): string {
  const out = fix(text, { unsafe: true, only: ['DS010'] });
  assert.deepEqual(out.applied, ['DS010'], `DS010 conversion applied once to:\n${text}`);
  assert.ok(!lint(out.text).some((f) => f.rule === 'DS010'), `converted text still flagged:\n${out.text}`);
  assert.deepEqual(errors(out.text), [], 'converted text validates');
  assert.equal(fix(out.text, { unsafe: true, only: ['DS010'] }).text, out.text, 'converting twice changes nothing');
  const outLines = out.text.split('\n').map((l) => l.trim());
  for (const l of text.split('\n').map((x) => x.trim())) {
    if (!l) continue;
    const words = l.split(/\s+/);
    const kept = outLines.some((o) => {
      let at = 0;
      return words.every((w) => (at = o.indexOf(w, at)) >= 0 && (at += w.length) > 0);
    });
    assert.ok(kept, `lost line ${JSON.stringify(l)} in\n${out.text}`);
  }
  return out.text;
}

/** Python and C/C++ builds are DS010's only when it can convert them; else DS011/DS014 speak as before. */
export function leftToOthers(text: string, why: string): void {
  assert.ok(!lint(text).some((f) => f.rule === 'DS010'), `no DS010 (${why}):\n${text}`);
}

export function noFix(text: string, why: string): void {
  const found = lintDetailed(text).find((f) => f.rule === 'DS010');
  assert.ok(found, `DS010 still reported (${why})`);
  assert.ok(!found.ruleCrashed, `the conversion refuses, it does not crash (${why})`);
  assert.equal(ds010(text), undefined, `no conversion: ${why}\n${text}`);
}
