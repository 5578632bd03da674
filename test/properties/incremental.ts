/**
 * The incremental linter equals a full lint after every random edit: random multi-stage files built from the
 * corpus (and generated Dockerfiles) get random line edits — insert, delete, replace, typing inside a line, incl.
 * FROM lines, heredoc markers, `--from=` links, escape directives and ignore pragmas. Registered by the unit tier
 * (test/unit/incremental.test.ts) and, scaled, by the corpus tier (test/corpus/properties.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { lintDetailed } from '../../server/src/engine/lint.js';
import { IncrementalLinter } from '../../server/src/runner/incremental.js';
import type { LintOptions } from '../../server/src/kernel/types.js';
import { dockerfile } from '../helpers/dockerfile-arb.js';
import { propertyRuns, sharedDir } from '../helpers/paths.js';

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
    { numRuns: Number(process.env.INCREMENTAL_RUNS ?? propertyRuns(50)) },
  );
  // The random edits exercised the partial path (not only full re-lints), moving cached findings.
  assert.ok(linter.stats.partial > 0 && linter.stats.reused > 0, JSON.stringify(linter.stats));
});
