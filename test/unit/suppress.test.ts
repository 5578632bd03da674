/** kernel/suppress.ts on its own: which instruction an ignore comment reaches, global pragmas, hadolint's pragmas. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/kernel/model.js';
import { readSuppressions } from '../../server/src/kernel/suppress.js';
import { lint } from '../../server/src/engine/index.js';

const HADOLINT = new Map([
  ['DL3009', ['DS003']],
  ['DL3015', ['DS004']],
]);
const read = (text: string) => readSuppressions(buildModel(text), HADOLINT);
const byLine = (text: string): Record<number, string[]> => Object.fromEntries([...read(text).byLine].map(([l, s]) => [l, [...s].sort()]));

test('an ignore comment reaches the next instruction across further comment lines', () => {
  const text = 'FROM debian:bookworm-slim\n# dockerfile-slim ignore=DS003\n# why: the lists are needed later\n#\nRUN apt-get update\n';
  assert.deepEqual(byLine(text), { 4: ['DS003'] });
  assert.deepEqual(
    lint(text).map((f) => f.rule),
    [],
  );
});

test('a blank line or an instruction in between stops it; it never reaches a later instruction', () => {
  assert.deepEqual(byLine('FROM debian\n# dockerfile-slim ignore=DS003\n\nRUN apt-get update\n'), {});
  assert.deepEqual(byLine('FROM debian\n# dockerfile-slim ignore=DS003\nENV A=1\nRUN apt-get update\n'), { 2: ['DS003'] });
  assert.deepEqual(byLine('FROM debian\nRUN true\n# dockerfile-slim ignore=DS003\n'), {}, 'nothing after it');
  assert.deepEqual(
    lint('FROM debian:bookworm-slim\n# dockerfile-slim ignore=DS003\n\nRUN apt-get update\n').map((f) => f.rule),
    ['DS003'],
  );
});

test('lists: commas and spaces, lower case, a trailing # reason, and several comments for one instruction', () => {
  assert.deepEqual(byLine('FROM a\n# dockerfile-slim ignore=ds003, DS004  # reason\nRUN x\n'), { 2: ['DS003', 'DS004'] });
  assert.deepEqual(byLine('FROM a\n# dockerfile-slim ignore=DS003\n# dockerfile-slim ignore=DS005\nRUN x\n'), { 3: ['DS003', 'DS005'] });
  assert.deepEqual(byLine('FROM a\n  #dockerfile-slim   ignore = DS001\nRUN x\n'), { 2: ['DS001'] });
});

test('global ignore anywhere in the file; not a per-line ignore', () => {
  const s = read('FROM a\nRUN x\n# dockerfile-slim global ignore=DS001,ds012\n');
  assert.deepEqual([...s.global].sort(), ['DS001', 'DS012']);
  assert.equal(s.byLine.size, 0);
});

test("hadolint's pragmas silence the rules that mirror the DL ids, and only those", () => {
  assert.deepEqual(byLine('FROM a\n# hadolint ignore=DL3009,DL3015,DL9999\nRUN x\n'), { 2: ['DS003', 'DS004'] });
  assert.deepEqual([...read('# hadolint global ignore=DL3009\nFROM a\n').global], ['DS003']);
  assert.deepEqual(byLine('FROM a\n# hadolint ignore=DS003\nRUN x\n'), { 2: [] }, 'a DS id in a hadolint pragma means nothing');
});

test('not a pragma: other words, text before the #, no list', () => {
  for (const t of [
    'FROM a\n# dockerfile-slim ignored=DS003\nRUN x\n',
    'FROM a\n# please ignore=DS003\nRUN x\n',
    'FROM a\n# dockerfile-slim ignore=\nRUN x\n',
    'FROM a\nRUN x # dockerfile-slim ignore=DS003\nRUN y\n',
  ]) {
    const s = read(t);
    assert.equal(s.global.size, 0, t);
    assert.deepEqual(byLine(t), {}, t);
  }
});

test('CRLF line ends and an ignore comment above a continuation-line instruction', () => {
  assert.deepEqual(byLine('FROM a\r\n# dockerfile-slim ignore=DS003\r\n# more\r\nRUN apt-get update \\\r\n  && true\r\n'), { 3: ['DS003'] });
});
