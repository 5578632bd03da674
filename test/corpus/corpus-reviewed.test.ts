/** Findings on real corpus files that a person decided by reading them (test/fixtures/corpus-reviewed.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lint } from '../../server/src/engine/index.js';
import { fixturesDir, requireShared } from '../helpers/paths.js';

const reviewed = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'corpus-reviewed.json'), 'utf8')) as Record<
  string,
  { expect: string[]; why: string } | string
>;

for (const [id, entry] of Object.entries(reviewed)) {
  if (typeof entry === 'string') continue;
  test(`corpus ${id}: ${entry.why}`, () => {
    const text = fs.readFileSync(path.join(requireShared('corpus'), 'files', `${id}.Dockerfile`), 'utf8');
    const got = lint(text, { dockerignoreExists: true })
      .filter((f) => f.severity !== 'hint')
      .map((f) => `${f.rule}@${f.line}`)
      .sort();
    assert.deepEqual(got, [...entry.expect].sort());
  });
}
