/**
 * Tests written for mutants scripts/mutate.mjs found alive (docs/mutation-testing.md lists them): each pins a
 * behaviour no other unit test looked at directly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/kernel/text.js';
import { fileScopeActive, type Rule } from '../../server/src/kernel/rule.js';
import { MAX_MERGE_RUNS, mergeRuns } from '../../server/src/kernel/edits.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { rules } from '../../server/src/rules/index.js';
import { priorInstrs } from '../../server/src/analysis/package-managers/manager-commands.js';
import { lint } from '../../server/src/engine/index.js';
import { computeWaste } from '../../common/src/image-layers/wasted.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { DetailedFinding } from '../../server/src/kernel/types.js';
import { groupConsecutive } from '../../server/src/lsp/diagnostic-shaping.js';
import { fixAllEdit } from '../../server/src/lsp/action-helpers.js';
import { fixGroups } from '../../server/src/engine/fix-groups.js';

test('LineIndex.lineEnd stops before LF and CRLF, and at the end of a last line without one', () => {
  const text = 'ab\r\ncd\nef';
  const idx = new LineIndex(text);
  assert.deepEqual(
    [0, 1, 2].map((l) => text.slice(idx.lineStart(l), idx.lineEnd(l))),
    ['ab', 'cd', 'ef'],
  );
  const blank = new LineIndex('\n\r\n');
  assert.deepEqual([blank.lineEnd(0), blank.lineEnd(1)], [0, 1]);
});

test('fileScopeActive: only whole-file rules, not when turned off, and as their activeWhen says', () => {
  const base = rules[0]!;
  const fileRule: Rule = { ...base, scope: 'file' };
  assert.equal(fileScopeActive(fileRule, {}), true);
  assert.equal(fileScopeActive(fileRule, { rules: { [base.id]: 'off' } }), false);
  assert.equal(fileScopeActive(fileRule, { rules: { [base.id]: 'error' } }), true);
  assert.equal(fileScopeActive({ ...base, scope: 'stage' }, {}), false);
  assert.equal(fileScopeActive({ ...fileRule, activeWhen: (o) => o.dockerignoreExists === false }, { dockerignoreExists: true }), false);
  assert.equal(fileScopeActive({ ...fileRule, activeWhen: (o) => o.dockerignoreExists === false }, { dockerignoreExists: false }), true);
});

test(`mergeRuns merges up to MAX_MERGE_RUNS (${MAX_MERGE_RUNS}) RUNs and refuses one more`, () => {
  const file = (n: number): string => `FROM alpine\n${Array.from({ length: n }, (_, i) => `RUN echo ${i}`).join('\n')}\n`;
  const merge = (n: number) => {
    const model = buildModel(file(n));
    return mergeRuns(
      model,
      model.instrs.filter((i) => i.keyword === 'RUN'),
    );
  };
  assert.ok(merge(MAX_MERGE_RUNS), 'the limit itself merges');
  assert.equal(merge(MAX_MERGE_RUNS + 1), null);
});

test("priorInstrs: the instruction's own stage and the stages it is built FROM, each instruction once", () => {
  const text = 'FROM debian AS other\nUSER nobody\nFROM debian AS base\nENV A=1\nFROM base\nRUN true\nRUN false\n';
  const model = buildModel(text);
  const last = model.instrs[model.instrs.length - 1]!;
  assert.deepEqual(
    priorInstrs(model, last).map((i) => `${i.keyword} ${i.args}`),
    ['FROM debian AS base', 'ENV A=1', 'FROM base', 'RUN true'],
  );
});

test('DS006 reads `python -m pip` and `python -mpip` as pip', () => {
  for (const run of ['python -m pip install flask', 'python3 -mpip install flask', 'pip install flask']) {
    assert.deepEqual(
      lint(`FROM python:3.12-slim\nRUN ${run}\n`).map((f) => f.rule),
      ['DS006'],
      run,
    );
  }
  assert.deepEqual(lint('FROM python:3.12-slim\nRUN python -m venv /v\n'), []);
});

test('computeWaste lists a layer’s biggest files biggest first, whatever order the tar gave them, cut at top', () => {
  const files = new Map([
    ['a', 1],
    ['b', 5],
    ['c', 3],
    ['d', 9],
    ['e', 2],
  ]);
  const [waste] = computeWaste([{ files, dirs: new Set(), whiteouts: new Set(), opaqueDirs: new Set(), bytes: 20 }], 3);
  assert.deepEqual(
    waste!.topFiles.map((f) => `${f.path}:${f.bytes}`),
    ['d:9', 'b:5', 'c:3'],
  );
});

test('groupConsecutive groups only the same rule with the same message on consecutive lines', () => {
  const doc = TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, 'RUN a\nRUN b\nRUN c\n');
  const item = (line: number, rule: string, message: string) => {
    const start = doc.offsetAt({ line, character: 0 });
    const range = { start: doc.positionAt(start), end: doc.positionAt(start + 5) };
    return { f: { rule, start, end: start + 5 } as DetailedFinding, d: { range, message } as Diagnostic };
  };
  const kept = groupConsecutive(doc, [item(0, 'DS001', 'm'), item(1, 'DS002', 'm'), item(2, 'DS001', 'other')]);
  assert.equal(kept.length, 3, 'another rule or another message is never folded in');
  assert.equal(groupConsecutive(doc, [item(0, 'DS001', 'm'), item(1, 'DS001', 'm')]).length, 1);
});

test('fix-all that only creates a file carries no empty edit of the Dockerfile', () => {
  const text = 'FROM alpine\nCOPY . /app\n';
  const doc = TextDocument.create('file:///tmp/dsl-create/Dockerfile', 'dockerfile', 1, text);
  const grouped = fixGroups(text, { dockerignoreExists: false });
  assert.equal(grouped.groups.length, 0, 'no edit of the Dockerfile itself');
  assert.ok(grouped.createFiles.length > 0, 'a .dockerignore to create');
  const edit = fixAllEdit(doc, grouped, true, (file) => [{ kind: 'create', uri: `file:///tmp/dsl-create/${file.path}` }]);
  const changes = edit?.documentChanges ?? [];
  assert.ok(
    changes.some((c) => 'kind' in c && c.kind === 'create'),
    JSON.stringify(changes),
  );
  assert.ok(!changes.some((c) => 'edits' in c), JSON.stringify(changes));
});

test('an export inside a subshell reaches a pip install in the same subshell (DS006 quiet), not one outside it', () => {
  const ds006 = (text: string): number => lint(text).filter((f) => f.rule === 'DS006').length;
  assert.equal(ds006('FROM python\nRUN (export PIP_NO_CACHE_DIR=1 && pip install x)\n'), 0);
  assert.equal(ds006('FROM python\nRUN (export PIP_NO_CACHE_DIR=1) && pip install x\n'), 1);
});
