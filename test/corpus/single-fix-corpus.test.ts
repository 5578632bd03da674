/**
 * The single-fix invariant (test/helpers/single-fix.ts) on the 274 real-world Dockerfiles of
 * ../shared/corpus, and on 10,000 generated files: each finding's fix alone (safe or unsafe) removes it
 * and breeds no new finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import fc from 'fast-check';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { sharedDir, sharedSkip } from '../helpers/paths.js';
import { singleFixProblems } from '../helpers/single-fix.js';

const dir = path.join(sharedDir, 'corpus', 'files');

test('corpus: each fix alone removes its finding and creates no finding that was not there', { skip: sharedSkip('corpus') }, () => {
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.length >= 274, `expected the 274 corpus files, found ${files.length}`);
  const problems: string[] = [];
  let fixes = 0;
  for (const name of files) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const options = { dockerignoreExists: false };
    fixes += lintDetailed(text, options).filter((f) => f.fixDetail).length;
    problems.push(...singleFixProblems(text, options).map((p) => `${name}: ${p}`));
  }
  console.log(`single fix on the corpus: ${files.length} files, ${fixes} fixes applied one at a time, ${problems.length} problems`);
  assert.deepEqual(problems, []);
});

test('generated: 10,000 files, each fix alone removes its finding and breeds none', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepEqual(singleFixProblems(text, { dockerignoreExists: false }), []);
    }),
    { seed: 20261207, numRuns: 10_000 },
  );
});
