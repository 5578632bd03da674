/**
 * The server's incremental linter must give exactly what a full lint gives. Random multi-stage
 * files built from the corpus (and from generated Dockerfiles) get random line edits — insert,
 * delete, replace, typing inside a line, incl. FROM lines, heredoc markers, `--from=` links,
 * escape directives and ignore pragmas — and after every edit the incremental result must
 * deep-equal lintDetailed on the same text (test/properties/incremental.ts). Also checks the stage chunker on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/lint.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { chunkText, parseChunked, splitStages } from '../../server/src/kernel/chunks.js';
import { lintModel } from '../../server/src/engine/lint.js';
import { IncrementalLinter } from '../../server/src/runner/incremental.js';
import type { LintOptions } from '../../server/src/kernel/types.js';
import { sharedDir, sharedSkip } from '../helpers/paths.js';
import '../properties/incremental.js';

const dir = path.join(sharedDir, 'corpus', 'files');
const corpus = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .sort()
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
  : [];
const multi = corpus.filter((t) => /^\s*FROM/im.test(t));

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
