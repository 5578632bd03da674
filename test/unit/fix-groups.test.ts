/**
 * fixGroups (the refactor preview's one entry per fix): applying every group gives exactly `fix`,
 * groups never overlap or touch, and leaving any one group out still gives a Dockerfile that
 * dockerfile-utils parses without new errors. Over inline files (the corpus: test/corpus/fix-groups.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixGroups } from '../../server/src/engine/fix-groups.js';
import { check } from '../helpers/fix-groups-check.js';

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
