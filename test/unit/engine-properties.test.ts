/**
 * Fast property tests of the engine (test/properties/engine.ts, a few hundred generated inputs, fixed seed) and
 * edge documents. The corpus tier runs the same properties scaled up; the long run with corpus mutation and big
 * files is test/robust/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint, lintDetailed, MAX_TEXT_LENGTH } from '../../server/src/engine/index.js';
import { checkText } from '../helpers/engine-props.js';
import '../properties/engine.js';

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
