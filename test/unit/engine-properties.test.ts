/**
 * Fast property tests of the engine (a few hundred generated inputs, fixed seed): lint and fix
 * never throw, ranges and edits stay inside the document, fix is idempotent and keeps every
 * comment line and RUN word. The long run with corpus mutation and big files is test/robust/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fix, lint, lintDetailed, MAX_TEXT_LENGTH } from '../../server/src/engine/index.js';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { anyInput, junk, mutate } from '../helpers/dockerfile-mutate.js';
import { checkText } from '../helpers/engine-props.js';
import { propertyRuns } from '../helpers/paths.js';

const SEED = 20240611;

test('lint: no exception, every range inside the document, every fix edit applies cleanly (grammar + junk)', () => {
  fc.assert(
    fc.property(anyInput([]), (text) => {
      assert.deepEqual(checkText(text), []);
    }),
    { seed: SEED, numRuns: propertyRuns(300) },
  );
});

test('fix: idempotent, keeps comment lines and RUN words (safe fixes)', () => {
  fc.assert(
    fc.property(fc.oneof(dockerfile, mutate(dockerfile)), (text) => {
      assert.deepEqual(checkText(text, { fix: true }), []);
    }),
    { seed: SEED + 1, numRuns: propertyRuns(200) },
  );
});

test('fix: the same with unsafe fixes (multi-stage conversion, base image swaps)', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepEqual(checkText(text, { fix: true, unsafe: true }), []);
    }),
    { seed: SEED + 2, numRuns: propertyRuns(150) },
  );
});

test('random bytes and unicode: lint and fix return, fix of junk changes nothing it does not understand', () => {
  fc.assert(
    fc.property(junk, (text) => {
      assert.deepEqual(checkText(text, { fix: true }), []);
    }),
    { seed: SEED + 3, numRuns: propertyRuns(200) },
  );
});

test('edge documents: empty, BOM only, lone continuation, unterminated heredoc, 100k-character line', () => {
  const long = `FROM alpine\nRUN apk add ${'x'.repeat(100_000)}\n`;
  const cases = [
    '',
    '\uFEFF',
    '\\',
    '`',
    '\n\n\n',
    'FROM alpine\nRUN \\',
    'FROM alpine\nRUN <<EOF\napk add curl',
    '# escape=`\nFROM a\nRUN a `',
    '\0\0\0',
    long,
    `FROM a\nRUN ${'echo a && '.repeat(10_000)}true\n`,
  ];
  for (const text of cases) assert.deepEqual(checkText(text, { fix: true }), [], JSON.stringify(text.slice(0, 60)));
  const f = lint(long).find((x) => x.rule === 'DS005');
  assert.ok(f, 'DS005 found on the long line');
  assert.equal(f.line, 2);
  assert.ok(fix(long).text.includes('apk add --no-cache x'), 'fixed in place on the long line');
});

test(`above MAX_TEXT_LENGTH (${MAX_TEXT_LENGTH} chars) lint returns [] and fix changes nothing`, () => {
  const big = `FROM alpine\nRUN apk add curl\n${'#'.repeat(MAX_TEXT_LENGTH)}\n`;
  assert.deepEqual(lintDetailed(big), []);
  assert.equal(fix(big).text, big);
});
