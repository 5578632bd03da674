/** The editor's shaping of findings: one-line squiggles on the token that matters, plain messages, grouping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintDetailed } from '../../server/src/engine/index.js';
import { focusRange, groupConsecutive, plainMessage } from '../../server/src/lsp/diagnostic-shaping.js';
import { toDiagnostic } from '../../server/src/lsp/diagnostics.js';
import { hoverAt } from '../../server/src/lsp/hover.js';

const pkgList = Array.from({ length: 16 }, (_, i) => `    pkg${i} \\`).join('\n');
const text = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y \\\n${pkgList}\n    curl\n`;

test('a multi-line DS004 squiggles `install` only', () => {
  const f = lintDetailed(text).find((x) => x.rule === 'DS004');
  assert.ok(f, 'DS004 fires');
  assert.ok(text.slice(f.start, f.end).includes('\n'), 'the engine finding spans lines');
  const r = focusRange(text, f);
  assert.equal(text.slice(r.start, r.end), 'install');
});

test('messages lose markdown backticks; one rule, one squiggle: the verb for short and long calls alike', () => {
  assert.equal(plainMessage('`apt-get install` without `--no-install-recommends`'), 'apt-get install without --no-install-recommends');
  const t = 'FROM alpine:3.20\nRUN apk add curl\nRUN apk add curl git make gcc musl-dev libffi-dev openssl-dev python3-dev\n';
  const found = lintDetailed(t).filter((x) => x.rule === 'DS005');
  assert.equal(found.length, 2);
  for (const f of found) {
    const r = focusRange(t, f);
    assert.equal(t.slice(r.start, r.end), 'add');
  }
  // A rule without a focus token keeps a short one-line range.
  const c = 'FROM debian:bookworm-slim\nCOPY . /app\nRUN chown -R app /app\n';
  const ds015 = lintDetailed(c).find((x) => x.rule === 'DS015');
  assert.ok(ds015);
  assert.deepEqual(focusRange(c, ds015), { start: ds015.start, end: ds015.end });
});

test('every diagnostic is at most one line, over the corpus-like inputs', () => {
  const doc = TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, text);
  for (const f of lintDetailed(text)) {
    const d = toDiagnostic(f, (o) => doc.positionAt(o), text);
    assert.equal(d.range.start.line, d.range.end.line, `${f.rule} is one line`);
    assert.ok(!d.message.includes('`'), `${f.rule} message is plain`);
  }
});

test('identical findings on consecutive lines become one diagnostic with related information', () => {
  const t = 'FROM golang:1.22 AS build\nRUN go build -o /a ./a\nRUN go build -o /b ./b\nRUN go build -o /c ./c\nFROM scratch\nCOPY --from=build /a /a\n';
  const doc = TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, t);
  const fs = lintDetailed(t).filter((f) => f.rule === 'DS009');
  const items = fs.map((f) => ({ f, d: toDiagnostic(f, (o) => doc.positionAt(o), t) }));
  const out = groupConsecutive(doc, items);
  assert.equal(items.length, 3, 'DS009 on each of the three go builds');
  assert.equal(out.length, 1, JSON.stringify(out.map((d) => d.message)));
  assert.equal(out[0]?.relatedInformation?.length, items.length - 1);
  assert.match(out[0]?.message ?? '', /also on lines? /);
});

test('grouping keeps findings that are not consecutive apart', () => {
  const doc = TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, text);
  const f = lintDetailed(text);
  const items = f.map((x) => ({ f: x, d: toDiagnostic(x, (o) => doc.positionAt(o), text) }));
  assert.equal(groupConsecutive(doc, items).length, items.length, 'different rules are never grouped');
});

test('the hover is markdown with the rule summary and a documentation command link', () => {
  const doc = TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, text);
  const f = lintDetailed(text);
  const ds004 = f.find((x) => x.rule === 'DS004');
  assert.ok(ds004);
  const r = focusRange(text, ds004);
  const h = hoverAt(doc, doc.positionAt(r.start + 2), f);
  const value = (h?.contents as { kind: string; value: string } | undefined)?.value ?? '';
  assert.match(value, /\*\*DS004 /);
  assert.match(value, /command:dockerfileSlim\.showRuleDocs\?/);
});
