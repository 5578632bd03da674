/**
 * Inputs the fuzzers found crashing, hanging or corrupting the engine (test/fixtures/regressions/,
 * byte-exact: CR, CRLF and missing final newlines matter). Each must now pass every robustness
 * property; a few also check the exact outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fix, lint } from '../../server/src/engine/index.js';
import { checkText } from '../helpers/engine-props.js';
import { fixturesDir } from '../helpers/paths.js';

const dir = path.join(fixturesDir, 'regressions');
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

for (const name of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .sort()) {
  test(`regression ${name}: no crash, ranges inside, fix idempotent and lossless`, () => {
    const text = read(name);
    assert.deepEqual(checkText(text, { fix: true, unsafe: name.includes('.unsafe.') }), []);
  });
}

test('exec-form JSON: an appended command goes after the escaped quote, the JSON stays valid', () => {
  const out = fix(read('exec-json-escaped-quote.Dockerfile')).text;
  const json = out.split('\n')[1]?.replace(/^RUN /, '') ?? '';
  assert.deepEqual(JSON.parse(json), ['/bin/sh', '-c', 'dnf install -y "vim" && dnf clean all']);
});

test('`\\ \\` before a line break is still a continuation: the cleanup goes after the last line', () => {
  const out = fix(read('escaped-blank-before-continuation.Dockerfile')).text;
  assert.match(out, /--no-install-recommends && rm -rf \/var\/lib\/apt\/lists\/\*\n$/);
  assert.ok(out.includes('-y \\ \\\n\tsoftware-properties-common'), 'package list untouched');
});

test('an open quote or here-document: the finding stays, no fix is offered', () => {
  for (const name of ['unterminated-quote.Dockerfile', 'nested-heredoc-empty-delimiter.Dockerfile']) {
    const text = read(name);
    assert.ok(lint(text).length > 0, `${name}: still reported`);
    assert.equal(fix(text).text, text, `${name}: left as written`);
  }
  const heredoc = read('unterminated-heredoc.unsafe.Dockerfile');
  assert.ok(!fix(heredoc, { unsafe: true }).text.includes('FROM scratch'), 'no stage appended inside the open here-document');
});

test("merging RUNs keeps a comment line inside the next RUN's continuation", () => {
  const out = fix(read('comment-in-next-run.Dockerfile')).text;
  assert.match(out, /# keep this note/);
  assert.match(out, /echo done/);
});

test('a download named with a variable nobody defines is deleted by the same name: no DS013, nothing appended', () => {
  const text = 'FROM debian\nRUN wget https://x/redis-${V}.tar.gz && tar -xzf redis-${V}.tar.gz && rm redis-${V}.tar.gz\n';
  assert.deepEqual(
    lint(text).filter((f) => f.rule === 'DS013'),
    [],
  );
  const kept = 'FROM debian\nRUN wget https://x/redis-${V}.tar.gz && tar -xzf redis-${V}.tar.gz\n';
  assert.equal(fix(fix(kept).text).text, fix(kept).text);
  assert.match(fix(kept).text, /tar -xzf redis-\$\{V\}\.tar\.gz && rm -f "redis-\$\{V\}\.tar\.gz"\n$/);
});

test('an if/case/loop left open (a shell syntax error) gets findings but no edits inside it', () => {
  const text = 'FROM alpine:3.20\nRUN CGO_ENABLED=0 go build ./... && case $X && echo done\n';
  const ds016 = lint(text).find((f) => f.rule === 'DS016');
  assert.ok(ds016, 'still reported');
  assert.equal(ds016.fix, undefined);
  assert.equal(fix(text).text, text);
});

test('FROM image word over a line continuation: reported, never rewritten in place', () => {
  const text = 'FROM pyt\\\nhon:3.12\nRUN pip install flask\n';
  const f = lint(text).find((x) => x.rule === 'DS011');
  assert.ok(f && /python:3\.12/.test(f.message), JSON.stringify(f));
  assert.equal(f.fix, undefined);
  assert.ok(fix(text, { unsafe: true }).text.startsWith('FROM pyt\\\nhon:3.12\n'));
});
