/** The server's lint scheduling (server/src/runner/lint-pool.ts): big documents in a worker of their own, stale results dropped, budgets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnnotatedTextEdit, TextDocumentEdit } from 'vscode-languageserver/node';
import { fix, lintDetailed } from '../../server/src/engine/lint.js';
import { codeActions } from '../../server/src/lsp/code-actions.js';
import { LintPool } from '../../server/src/runner/lint-pool.js';

const stage = (i: number): string => `FROM debian:bookworm AS s${i}\nRUN apt-get update && apt-get install -y curl${i}\nCOPY . /app\nRUN rm -rf /tmp/x\n`;
const big = Array.from({ length: 500 }, (_, i) => stage(i)).join('');
const small = 'FROM alpine\nRUN apk add curl\n';
const options = { dockerignoreExists: false };

test('a big document is linted in its own worker, with the same findings as a direct lint; one worker per document', async () => {
  const pool = new LintPool({ timeMs: 600_000, heapMb: 1024 }, 4096);
  try {
    const r = await pool.lint('file:///big', 1, big, options);
    assert.equal(r.kind, 'done');
    assert.deepEqual(r.kind === 'done' && r.findings, lintDetailed(big, options));
    const edited = big.replace('curl7', 'wget7');
    const r2 = await pool.lint('file:///big', 2, edited, options);
    assert.deepEqual(r2.kind === 'done' && r2.findings, lintDetailed(edited, options));
    assert.equal(pool.workerCount, 1);
    pool.forget('file:///big');
    assert.equal(pool.workerCount, 0);
  } finally {
    pool.dispose();
  }
});

test('a newer version overtakes an older one: the older resolves stale, only the newest is published', async () => {
  const pool = new LintPool({ timeMs: 600_000, heapMb: 1024 }, 4096);
  try {
    const first = pool.lint('file:///big', 1, big, options);
    const second = pool.lint('file:///big', 2, `${big}RUN true\n`, options);
    const third = pool.lint('file:///big', 3, `${big}RUN false\n`, options);
    const [a, b, c] = await Promise.all([first, second, third]);
    assert.equal(a.kind, 'stale');
    assert.equal(b.kind, 'stale');
    assert.equal(c.kind, 'done');
  } finally {
    pool.dispose();
  }
});

test('while a big document lints in its worker, a small one is answered first (the main thread is free)', async () => {
  const pool = new LintPool({ timeMs: 600_000, heapMb: 1024 }, 4096);
  try {
    const order: string[] = [];
    const bigDone = pool.lint('file:///big', 1, big, options).then(() => order.push('big'));
    await new Promise((r) => setImmediate(r));
    const smallDone = pool.lint('file:///small', 1, small, options).then(() => order.push('small'));
    await Promise.all([bigDone, smallDone]);
    assert.deepEqual(order, ['small', 'big']);
  } finally {
    pool.dispose();
  }
});

test('over its time budget a lint ends as too-expensive, the worker is gone, and the next lint starts afresh', async () => {
  const pool = new LintPool({ timeMs: 1, heapMb: 1024 }, 4096);
  try {
    const r = await pool.lint('file:///big', 1, big, options);
    assert.equal(r.kind, 'too-expensive');
    assert.match(r.kind === 'too-expensive' ? r.reason : '', /more than/);
    assert.equal(pool.workerCount, 0);
    const s = await pool.lint('file:///small', 1, small, options);
    assert.equal(s.kind, 'done');
  } finally {
    pool.dispose();
  }
});

test('options with a package lookup (functions, not cloneable) still lint and fix in a worker', async () => {
  const pool = new LintPool({ timeMs: 600_000, heapMb: 1024 }, 64);
  const doc = `${stage(1)}${'# pad\n'.repeat(20)}`;
  const packages = { version: 0, lookup: () => undefined };
  try {
    const r = await pool.lint('file:///pkg', 1, doc, { ...options, packages });
    assert.equal(r.kind, 'done');
    assert.deepEqual(r.kind === 'done' && r.findings, lintDetailed(doc, options));
    const f = await pool.fixOutcome('file:///pkg', doc, { ...options, packages });
    assert.equal(f.kind, 'done');
  } finally {
    pool.dispose();
  }
});

test("a big document's Optimize: one group per fix from its worker, one small annotated edit each, together equal to fix", async () => {
  const pool = new LintPool({ timeMs: 600_000, heapMb: 1024 }, 4096);
  try {
    const text = `FROM python:3.12-slim\n${Array.from({ length: 400 }, (_, i) => `RUN pip install p${i}\nWORKDIR /w${i}\n`).join('')}`;
    const grouped = await pool.groups('file:///big-groups', text, { dockerignoreExists: true });
    assert.ok(grouped && pool.workerCount === 1, 'computed in the worker');
    const doc = TextDocument.create('file:///tmp/dsl-big/Dockerfile', 'dockerfile', 1, text);
    const [action] = codeActions(
      doc,
      {
        textDocument: { uri: doc.uri },
        range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.dockerfileSlim'] },
      },
      [],
      { dockerignoreExists: true },
      '',
      { annotations: true },
      () => grouped,
    );
    const edits = (action?.edit?.documentChanges?.[0] as TextDocumentEdit).edits as AnnotatedTextEdit[];
    const annotations = Object.keys(action?.edit?.changeAnnotations ?? {});
    assert.equal(annotations.length, grouped?.groups.length);
    assert.ok(annotations.length >= 400, `one entry per fix, got ${annotations.length}`);
    assert.equal(new Set(edits.map((e) => e.annotationId)).size, annotations.length);
    assert.ok(Math.max(...edits.map((e) => e.newText.length)) < 200, 'no whole-document edit');
    assert.equal(TextDocument.applyEdits(doc, edits), fix(text, { dockerignoreExists: true }).text);
  } finally {
    pool.dispose();
  }
});
