/**
 * The convergence invariant (test/helpers/convergence.ts) over 274 real-world Dockerfiles
 * (../shared/corpus, read-only), with safe and unsafe fixes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { checkConvergence } from '../helpers/convergence.js';
import { requireShared } from '../helpers/paths.js';

const dir = path.join(requireShared('corpus'), 'files');

test('corpus: every file lints, and fixes converge without losing anything', () => {
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.length >= 274, `expected the 274 corpus files, found ${files.length}`);
  let findings = 0;
  let fixed = 0;
  const problems: string[] = [];
  for (const name of files) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const options = { dockerignoreExists: false };
    findings += lintDetailed(text, options).length;
    for (const unsafe of [false, true]) {
      const r = checkConvergence(text, { ...options, unsafe });
      problems.push(...r.problems.map((p) => `${name}: ${p}`));
      if (!unsafe && r.text !== text) fixed++;
    }
  }
  console.log(`corpus: ${files.length} files, ${findings} findings, ${fixed} files changed by safe fixes, ${problems.length} problems`);
  assert.deepEqual(problems, []);
});
