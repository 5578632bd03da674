/**
 * The long robustness run (`npm run test:robust`): thousands of generated and mutated Dockerfiles
 * (fixed fast-check seed, fixed run counts), every real corpus file, big and pathological files,
 * the linear-time check, and generated documents through the server. Ends with the summary line
 * `robustness: N inputs tried, F failed`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { anyInput, mutate } from '../helpers/dockerfile-mutate.js';
import { fixturesDir, sharedDir, sharedSkip } from '../helpers/paths.js';
import { bigInputTests } from './big-inputs.js';
import { serverFuzzTests } from './server-fuzz.js';
import { linearShapeTests } from './linear-shapes.js';
import { summary, tryText } from './tally.js';

const SEED = Number(process.env.ROBUST_SEED ?? 424242);
const RUNS = Number(process.env.ROBUST_RUNS ?? 2000);
const corpusDir = path.join(sharedDir, 'corpus', 'files');
const readAll = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .sort()
    .filter((f) => /Dockerfile/.test(f) && !f.endsWith('.golden') && fs.statSync(path.join(dir, f)).isFile())
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
// On a fresh clone (no ../shared) the generated and mutated inputs still run, seeded from the article Dockerfiles
// in test/fixtures/seeds; the tests that read every corpus file skip with the folder's name.
const noCorpus = sharedSkip('corpus');
const corpus = noCorpus === false ? readAll(corpusDir) : [];
const seeds = noCorpus === false ? corpus : readAll(path.join(fixturesDir, 'seeds'));

after(() => console.log(summary()));

/** Runs a property over `runs` inputs, collecting every failure (no early stop) so the report shows them all. */
function explore(arb: fc.Arbitrary<string>, runs: number, seed: number, unsafe: boolean): string[] {
  const failures: string[] = [];
  for (const text of fc.sample(arb, { seed, numRuns: runs })) {
    const p = tryText(text, { fix: true, unsafe });
    if (p.length && failures.length < 20) failures.push(...p.slice(0, 2));
  }
  return failures;
}

test(`engine: ${RUNS} inputs (grammar, junk, mutated grammar, mutated corpus), safe fixes`, () => {
  assert.deepEqual(explore(anyInput(seeds), RUNS, SEED, false), []);
});

test(`engine: ${Math.round(RUNS / 4)} inputs with unsafe fixes (multi-stage conversion, base swaps)`, () => {
  assert.deepEqual(explore(fc.oneof(dockerfile, mutate(dockerfile), mutate(fc.constantFrom(...seeds))), Math.round(RUNS / 4), SEED + 1, true), []);
});

test('engine: every corpus file as written, with CRLF and with CR line endings, safe and unsafe', { skip: noCorpus }, () => {
  assert.ok(corpus.length >= 274, `corpus at ${corpusDir}: ${corpus.length} files`);
  const failures: string[] = [];
  for (const text of corpus) {
    for (const variant of [text, text.replace(/\r?\n/g, '\r\n'), `\uFEFF${text.replace(/\r?\n/g, '\r')}`]) {
      failures.push(...tryText(variant, { fix: true }).slice(0, 1));
    }
    failures.push(...tryText(text, { fix: true, unsafe: true }).slice(0, 1));
  }
  assert.deepEqual(failures.slice(0, 20), []);
});

bigInputTests(seeds.join('\n'), noCorpus);
linearShapeTests();
serverFuzzTests(seeds, 150, SEED + 2);
