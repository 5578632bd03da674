/**
 * The single-fix invariant (test/helpers/single-fix.ts) on every fixture Dockerfile and on generated
 * files: one finding's fix alone removes that finding and breeds no other. The corpus and the full
 * 10,000 generated files run in the corpus tier (test/corpus/single-fix-corpus.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { lintDetailed } from '../../server/src/engine/index.js';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { readFixture } from '../helpers/fixture.js';
import { fixturesDir, propertyRuns } from '../helpers/paths.js';
import { singleFixProblems } from '../helpers/single-fix.js';

function dockerfiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return dockerfiles(p);
    return e.name.endsWith('Dockerfile') ? [p] : [];
  });
}

test('single fix: on every fixture Dockerfile, each fix alone removes its finding and breeds none', () => {
  const files = dockerfiles(fixturesDir).sort();
  assert.ok(files.length >= 60, `expected the fixture Dockerfiles, found ${files.length}`);
  const problems: string[] = [];
  let fixes = 0;
  for (const file of files) {
    const fx = readFixture(file, 'DS001');
    const options = { dockerignoreExists: false, ...fx.options };
    fixes += lintDetailed(fx.text, options).filter((f) => f.fixDetail).length;
    problems.push(...singleFixProblems(fx.text, options).map((p) => `${path.relative(fixturesDir, file)}: ${p}`));
  }
  assert.ok(fixes > 100, `expected fixes to try on the fixtures, found ${fixes}`);
  assert.deepEqual(problems, []);
});

test('single fix: on generated Dockerfiles (10,000 of them in the corpus tier)', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepEqual(singleFixProblems(text, { dockerignoreExists: false }), []);
    }),
    { seed: 20261206, numRuns: propertyRuns(200) },
  );
});
