/** The shared output sanitiser (common/src/text/sanitize.ts) and the CLI argument parser. */
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { displayPath, hasUnsafeChars, jsonText, markdownText, oneLine, safeLine, safeLines, terminalText } from '../../common/src/text/sanitize.js';
import { parseArgs, parseFlags, UsageError } from '../../server/src/cli/args.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const COMMAND = /^\s*(::|##\[|##vso\[)/;

test('oneLine: newlines, escapes and controls become visible escapes', () => {
  assert.equal(oneLine('a\nb\r\tc'), 'a\\nb\\r\\tc');
  assert.equal(oneLine('\u001b[31mred\u0007'), '\\e[31mred\\x07');
  assert.equal(oneLine('\u009b2J \u2028 \u202e'), '\\x9b2J \\u2028 \\u202e');
  assert.equal(oneLine('plain: `apt-get` ünïcode — 日本'), 'plain: `apt-get` ünïcode — 日本');
  assert.ok(hasUnsafeChars('x\u0000') && !hasUnsafeChars('x y'));
});

test('safeLine: no line can start like a workflow command', () => {
  assert.equal(safeLine('::error::x'), '\\::error::x');
  assert.equal(safeLine('   ::set-output name=a::b'), '   \\::set-output name=a::b');
  assert.equal(safeLine('##[error]x'), '\\##[error]x');
  assert.equal(safeLine('##vso[task.setvariable]x'), '\\##vso[task.setvariable]x');
  assert.equal(safeLine('file:1:1: warning ::error::'), 'file:1:1: warning ::error::');
  assert.equal(safeLines('ok\n::error::x\r\n\u001b[2J'), 'ok\n\\::error::x\n\\e[2J');
});

test('property: whatever the input, the output is one line with no control character and no command start', () => {
  const hostile = fc.string({ unit: fc.constantFrom('\n', '\r', ':', '#', '[', ' ', '\u001b', '\u009b', '\u2028', 'a', '\u0007', 'v', 's', 'o') });
  fc.assert(
    fc.property(hostile, (s) => {
      for (const out of [safeLine(s), displayPath(s)]) {
        assert.doesNotMatch(out, CONTROL);
        assert.doesNotMatch(out, COMMAND);
      }
      assert.doesNotMatch(markdownText(s), CONTROL); // a fragment: its line starts with our own text
      for (const line of safeLines(s).split('\n')) assert.doesNotMatch(line, COMMAND);
      assert.doesNotMatch(safeLines(s), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }),
    { numRuns: 2000 },
  );
});

test('jsonText: the same JSON value, with no raw DEL, C1 or separator characters', () => {
  const value = { m: 'a\u007fb\u009bc\u2028d\u202ee\u001b' };
  const text = jsonText(JSON.stringify(value));
  assert.doesNotMatch(text, CONTROL);
  assert.deepEqual(JSON.parse(text), value);
});

test('displayPath and markdownText', () => {
  assert.equal(displayPath('-'), '-');
  assert.equal(displayPath('--unsafe'), './--unsafe');
  assert.equal(displayPath('::x'), './::x');
  assert.equal(displayPath('/abs/::x'), '/abs/::x');
  assert.equal(markdownText('<img src=x>|`a`\n[l](u)'), '\\<img src=x\\>\\|\\`a\\`\\\\n\\[l\\]\\(u\\)');
});

test('parseFlags: -- ends options; values only for value flags; unknown options refused', () => {
  const spec = { '--format': 'value', '--unsafe': 'boolean' } as const;
  assert.deepEqual(parseFlags(['a', '--format=json', '--', '--unsafe', '-'], spec), {
    flags: new Map([['--format', 'json']]),
    operands: ['a', '--unsafe', '-'],
  });
  assert.deepEqual(parseFlags(['--format', '-x'], spec).flags.get('--format'), '-x');
  assert.deepEqual(parseFlags(['--format=a=b'], spec).flags.get('--format'), 'a=b');
  assert.throws(() => parseFlags(['--unsafe=x.Dockerfile'], spec), /--unsafe takes no value/);
  assert.throws(() => parseFlags(['--format', '--', 'x'], spec), /--format needs a value/);
  assert.throws(() => parseFlags(['--format'], spec), UsageError);
  assert.throws(() => parseFlags(['-x'], spec), /unknown option -x/);
  assert.throws(() => parseFlags(['--toString'], spec), /unknown option/);
  const a = parseArgs(['fix', '--unsafe', '--context', 'ctx', '--', '--stdout']);
  assert.deepEqual(a, { command: 'fix', format: 'text', unsafe: true, stdout: false, context: 'ctx', files: ['--stdout'] });
  assert.throws(() => parseArgs(['lint', '--format=xml']), /unknown format "xml"/);
});

test('terminalText: line breaks and tabs kept, escapes and bells shown', () => {
  assert.equal(terminalText('a\r\n\tb\n\u001b[2J\u0007\rc'), 'a\r\n\tb\n\\e[2J\\x07\\rc');
});
