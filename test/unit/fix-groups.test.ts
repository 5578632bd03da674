/**
 * fixGroups (the refactor preview's one entry per fix): applying every group gives exactly `fix`,
 * groups never overlap or touch, and leaving any one group out still gives a Dockerfile that
 * dockerfile-utils parses without new errors. Over inline files and, when present, the corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { applyEdits, fix } from '../../server/src/engine/index.js';
import { fixGroups } from '../../server/src/engine/fix-groups.js';
import { sharedDir, sharedSkip } from '../helpers/paths.js';

const errors = (text: string): number => validate(text).filter((d) => d.severity === 1).length;

function check(name: string, text: string, unsafe: boolean): number {
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

test('fixGroups: one group per fix on a small file', () => {
  const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && curl --version\nRUN pip install requests\nCMD ["curl"]\n';
  const g = fixGroups(text);
  // One entry per fix, in text order: --no-install-recommends, the lists cleanup, --no-cache-dir.
  assert.deepEqual(
    g.groups.map((x) => x.fixes.map((f) => f.rule).join('+')),
    ['DS004', 'DS003', 'DS006'],
  );
  assert.ok(g.groups.every((x) => x.safe));
  assert.ok(
    g.groups.every((x) => x.fixes.every((f) => !f.title.includes('`'))),
    'titles are plain text',
  );
  check('small', text, false);
});

test('fixGroups: applying every group equals fix, and any group can be left out (corpus)', { skip: sharedSkip('corpus') }, () => {
  const dir = path.join(sharedDir, 'corpus', 'files');
  let groups = 0;
  for (const f of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    groups += check(f, text, false);
    check(`${f} (unsafe)`, text, true);
  }
  assert.ok(groups > 100, `corpus has fixable findings (${groups} groups)`);
});
