/**
 * Property tests of the engine (generated inputs, fixed seed): lint and fix never throw, ranges and edits stay
 * inside the document, fix is idempotent and keeps every comment line and RUN word. Registered by the unit tier
 * (test/unit/engine-properties.test.ts, a few hundred runs) and by the corpus tier (test/corpus/properties.test.ts,
 * PROPERTY_SCALE=5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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
    { seed: SEED, numRuns: propertyRuns(150) },
  );
});

test('fix: idempotent, keeps comment lines and RUN words (safe fixes)', () => {
  fc.assert(
    fc.property(fc.oneof(dockerfile, mutate(dockerfile)), (text) => {
      assert.deepEqual(checkText(text, { fix: true }), []);
    }),
    { seed: SEED + 1, numRuns: propertyRuns(100) },
  );
});

test('fix: the same with unsafe fixes (multi-stage conversion, base image swaps)', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepEqual(checkText(text, { fix: true, unsafe: true }), []);
    }),
    { seed: SEED + 2, numRuns: propertyRuns(75) },
  );
});

test('random bytes and unicode: lint and fix return, fix of junk changes nothing it does not understand', () => {
  fc.assert(
    fc.property(junk, (text) => {
      assert.deepEqual(checkText(text, { fix: true }), []);
    }),
    { seed: SEED + 3, numRuns: propertyRuns(100) },
  );
});
