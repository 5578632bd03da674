/**
 * The server's incremental linter must give exactly what a full lint gives. Random multi-stage
 * files built from the corpus (and from generated Dockerfiles) get random line edits — insert,
 * delete, replace, typing inside a line, incl. FROM lines, heredoc markers, `--from=` links,
 * escape directives and ignore pragmas — and after every edit the incremental result must
 * deep-equal lintDetailed on the same text. Also checks the stage chunker on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { lintDetailed } from '../../server/src/engine/lint.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { chunkText, parseChunked, splitStages } from '../../server/src/kernel/chunks.js';
import { lintModel } from '../../server/src/engine/lint.js';
import { IncrementalLinter } from '../../server/src/runner/incremental.js';
import type { LintOptions } from '../../server/src/kernel/types.js';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { propertyRuns, sharedDir, sharedSkip } from '../helpers/paths.js';

const dir = path.join(sharedDir, 'corpus', 'files');
const corpus = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .sort()
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
  : [];
const multi = corpus.filter((t) => /^\s*FROM/im.test(t));

const specialLines = [
  'FROM alpine:3.19 AS extra',
  'FROM builder',
  'from python:3.12',
  'RUN <<EOF',
  'RUN cat <<-END > /x',
  'EOF',
  'END',
  'COPY --from=0 / /',
  'COPY --from=builder /app /app',
  'RUN --mount=type=cache,from=build,target=/x make',
  'RUN apt-get update && apt-get install -y curl \\',
  'RUN apt-get update',
  'RUN apt-get install -y gcc',
  'RUN rm -rf /var/lib/apt/lists/*',
  'RUN pip install flask',
  'COPY . /app',
  '# dockerfile-slim ignore=DS001',
  '# dockerfile-slim global ignore=DS003',
  '# hadolint ignore=DL3009',
  '# escape=`',
  'ARG BASE=debian',
  'FROM ${BASE}',
  '',
  '  \\',
];

const stageSource = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...(multi.length > 0 ? multi : ['FROM alpine\nRUN apk add curl\n'])) },
  { weight: 1, arbitrary: dockerfile },
);
const fileArb = fc.record({
  stages: fc.array(stageSource, { minLength: 1, maxLength: 6 }),
  preamble: fc.constantFrom('', 'ARG BASE=debian\n', '# escape=`\n', '# syntax=docker/dockerfile:1\nARG V=1\n'),
  crlf: fc.boolean(),
});
const editArb = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace', 'type', 'type', 'type'),
  at: fc.nat(),
  col: fc.nat(),
  line: fc.oneof(
    fc.constantFrom(...specialLines),
    fc.constantFrom(...(corpus.length > 0 ? corpus.flatMap((t) => t.split('\n').slice(0, 40)).slice(0, 4000) : ['RUN x'])),
  ),
  char: fc.constantFrom('x', ' ', '\\', '#', '$', '"', '\n', 'FROM a\n', '-'),
});
const optionsArb: fc.Arbitrary<LintOptions> = fc.constantFrom(
  {},
  { dockerignoreExists: true },
  { dockerignoreExists: false },
  { rules: { DS001: 'off' as const } },
  { rules: { DS003: 'error' as const } },
);

interface LineEdit {
  kind: string;
  at: number;
  col: number;
  line: string;
  char: string;
}

function applyEdit(text: string, e: LineEdit, eol: string): string {
  const lines = text.split('\n');
  const i = e.at % (lines.length + (e.kind === 'insert' ? 1 : 0));
  if (e.kind === 'insert') lines.splice(i, 0, e.line + (eol === '\r\n' ? '\r' : ''));
  else if (e.kind === 'delete' && lines.length > 1) lines.splice(i, 1);
  else if (e.kind === 'replace') lines[i] = e.line;
  else {
    const l = lines[i] ?? '';
    const c = e.col % (l.length + 1);
    lines[i] = l.slice(0, c) + e.char + l.slice(c);
  }
  return lines.join('\n');
}

test('incremental: after every random edit, results equal a full lint', () => {
  const linter = new IncrementalLinter();
  let n = 0;
  fc.assert(
    fc.property(fileArb, fc.array(editArb, { minLength: 1, maxLength: 12 }), optionsArb, (file, edits, options) => {
      const eol = file.crlf ? '\r\n' : '\n';
      let text = file.preamble + file.stages.join('\n');
      if (file.crlf) text = text.replace(/\r?\n/g, '\r\n');
      const uri = `file:///t${n++}`;
      assert.deepStrictEqual(linter.lint(uri, text, options), lintDetailed(text, options));
      for (const e of edits) {
        text = applyEdit(text, e, eol);
        assert.deepStrictEqual(linter.lint(uri, text, options), lintDetailed(text, options), `after ${e.kind} at ${e.at}`);
      }
      linter.forget(uri);
    }),
    { numRuns: Number(process.env.INCREMENTAL_RUNS ?? propertyRuns(100)) },
  );
  // The random edits exercised the partial path (not only full re-lints), moving cached findings.
  assert.ok(linter.stats.partial > 0 && linter.stats.reused > 0, JSON.stringify(linter.stats));
});

test('incremental: an edit in one stage of a big file keeps the other stages cached and still equals a full lint', () => {
  if (multi.length === 0) return;
  const text = multi.slice(0, 60).join('\n');
  const linter = new IncrementalLinter();
  assert.deepStrictEqual(linter.lint('u', text, {}), lintDetailed(text, {}));
  const lines = text.split('\n');
  for (const at of [3, Math.floor(lines.length / 2), lines.length - 2]) {
    for (const variant of [(l: string) => l + ' ', (l: string) => l + '\nRUN apt-get install -y gcc', () => '']) {
      const edited = [...lines];
      edited[at] = variant(lines[at] ?? '');
      const t = edited.join('\n');
      assert.deepStrictEqual(linter.lint('u', t, {}), lintDetailed(t, {}));
    }
  }
  // The edits above went the partial way, re-using the untouched stages.
  assert.ok(linter.stats.partial >= 4, JSON.stringify(linter.stats));
  assert.ok(linter.stats.reused > linter.stats.relinted, JSON.stringify(linter.stats));
});

test('DS012 without a .dockerignore: stage groups are linted apart and its one .dockerignore is settled across them', () => {
  const opts: LintOptions = { dockerignoreExists: false };
  const node = (n: number): string => `FROM node:18 AS web${n}\nWORKDIR /app\nCOPY . .\nRUN npm ci\n`;
  const base = [node(1), node(2), 'FROM debian AS tools\nRUN echo tools\n'].join('\n');
  const linter = new IncrementalLinter();
  const ignoreFiles = (fs: ReturnType<typeof lintDetailed>): string[] =>
    fs.filter((f) => f.rule === 'DS012').map((f) => f.fixDetail?.createFile?.content ?? '');
  const first = linter.lint('u', base, opts);
  assert.deepStrictEqual(first, lintDetailed(base, opts));
  assert.ok(ignoreFiles(first).length === 2 && ignoreFiles(first).every((c) => c.includes('**/node_modules')), 'both stages install: node_modules ignored');
  // The second stage stops installing: both findings now propose the file without node_modules, and back.
  const edited = base.replace('RUN npm ci\n\nFROM debian', 'RUN echo built\n\nFROM debian');
  const second = linter.lint('u', edited, opts);
  assert.deepStrictEqual(second, lintDetailed(edited, opts));
  assert.ok(ignoreFiles(second).length === 2 && ignoreFiles(second).every((c) => !c.includes('**/node_modules')), ignoreFiles(second).join('|'));
  // An edit in the unrelated stage re-uses both web stages' findings.
  const third = linter.lint('u', edited.replace('echo tools', 'echo more tools'), opts);
  assert.deepStrictEqual(third, lintDetailed(edited.replace('echo tools', 'echo more tools'), opts));
  assert.deepStrictEqual(linter.lint('u', base, opts), first);
  assert.equal(linter.stats.full, 1, JSON.stringify(linter.stats));
});

test('chunks: a chunk-by-chunk parse builds the same findings as one parse, on every corpus file', { skip: sharedSkip('corpus') }, () => {
  for (const text of corpus) {
    for (const options of [{}, { dockerignoreExists: false }]) {
      assert.deepStrictEqual(lintModel(buildModel(text, parseChunked(text)), options), lintDetailed(text, options));
    }
  }
});

test('chunks: splits at FROM instructions only, never inside continuations or here-documents', () => {
  const text = ['ARG A=1', 'FROM a AS one', 'RUN <<EOF', 'FROM not-a-stage', 'EOF', 'RUN echo \\', 'FROM still-args', 'FROM b', '  from c'].join('\n');
  assert.deepStrictEqual(
    splitStages(text, '\\').map((s) => s.line),
    [0, 1, 7, 8],
  );
  const { chunks } = chunkText(text);
  assert.deepStrictEqual(
    chunks.map((c) => c.line),
    [0, 1, 7, 8],
  );
  // With the backtick escape, a trailing backslash is no continuation but a backtick is.
  assert.deepStrictEqual(
    splitStages('# escape=`\nFROM a\nRUN x \\\nFROM b\nRUN y `\nFROM c', '`').map((s) => s.line),
    [0, 1, 3],
  );
});

test('chunks: a split the parser does not confirm is merged (unterminated heredoc, continuation at the end)', () => {
  // The scanner cannot see `<<EOF` hidden after a continuation-comment; the parser decides.
  const text = 'FROM a\nRUN cat <<"EOF"\nFROM b\nEOF\nFROM c\nRUN x';
  const { chunks } = chunkText(text);
  const model = buildModel(text, parseChunked(text));
  assert.deepStrictEqual(
    model.instrs.map((i) => [i.keyword, i.line]),
    buildModel(text).instrs.map((i) => [i.keyword, i.line]),
  );
  assert.deepStrictEqual(
    chunks.map((c) => c.line),
    [0, 4],
  );
});
