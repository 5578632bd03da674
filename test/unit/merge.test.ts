/** mergeRuns on the inputs people really write: exact output, and DS001 is gone afterwards. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, lint } from '../../server/src/engine/index.js';
import { mergeRuns } from '../../server/src/kernel/edits.js';
import { buildModel } from '../../server/src/kernel/model.js';

/** Merges every RUN of the text (they must all be mergeable) and returns the new text. */
function mergeAll(text: string, isolate = false): string {
  const model = buildModel(text);
  const runs = model.instrs.filter((i) => i.keyword === 'RUN');
  const edits = mergeRuns(model, runs, isolate);
  assert.ok(edits, 'mergeRuns refused a mergeable group');
  return applyEdits(text, edits);
}

function assertMerged(input: string, expected: string, isolate = false): void {
  assert.ok(lint(input).some((f) => f.rule === 'DS001') || isolate, 'the input should be a DS001 case');
  const out = mergeAll(input, isolate);
  assert.equal(out, expected);
  assert.deepEqual(
    lint(out).filter((f) => f.rule === 'DS001'),
    [],
    'DS001 still fires on the merged text',
  );
  assert.equal(buildModel(out).instrs.filter((i) => i.keyword === 'RUN').length, 1);
}

test('a trailing `;` is absorbed into the `&&`', () => {
  assertMerged('FROM alpine\nRUN a;\nRUN b\n', 'FROM alpine\nRUN a && \\\n    b\n');
});

test('a trailing shell comment becomes a comment line inside the continuation', () => {
  assertMerged('FROM alpine\nRUN a # why a\nRUN b # why b\n', 'FROM alpine\nRUN a && \\\n    # why a\n    b # why b\n');
});

test('comment lines between the RUNs are kept, in order', () => {
  assertMerged('FROM alpine\nRUN a\n# first\n\n  # second\nRUN b\nRUN c\n', 'FROM alpine\nRUN a && \\\n    # first\n    # second\n    b && \\\n    c\n');
});

test('identical --mount flags stay once, on the merged RUN', () => {
  assertMerged(
    'FROM alpine\nRUN --mount=type=cache,target=/root/.cache pip install x\nRUN --mount=type=cache,target=/root/.cache pip check\n',
    'FROM alpine\nRUN --mount=type=cache,target=/root/.cache pip install x && \\\n    pip check\n',
  );
});

test('different --mount flags are not merged', () => {
  const model = buildModel('FROM alpine\nRUN --mount=type=secret,id=a a\nRUN b\n');
  assert.equal(
    mergeRuns(
      model,
      model.instrs.filter((i) => i.keyword === 'RUN'),
    ),
    null,
  );
});

test('CRLF line endings are kept', () => {
  assertMerged('FROM alpine\r\nRUN a\r\n# note\r\nRUN b\r\n', 'FROM alpine\r\nRUN a && \\\r\n    # note\r\n    b\r\n');
});

test('a backtick escape directive is used for the continuation', () => {
  assertMerged('# escape=`\nFROM alpine\nRUN a\nRUN b\n', '# escape=`\nFROM alpine\nRUN a && `\n    b\n');
});

test('existing continuation lines keep their indentation style', () => {
  assertMerged(
    'FROM alpine\nRUN apk add --no-cache \\\n\tcurl\nRUN curl --version\n',
    'FROM alpine\nRUN apk add --no-cache \\\n\tcurl && \\\n\tcurl --version\n',
  );
});

test('with isolate, a RUN that changes shell state runs in a subshell', () => {
  const out = mergeAll('FROM alpine\nRUN cd /tmp && wget https://x/y.tgz\nRUN export A=1; echo $A\nRUN rm -f y.tgz\n', true);
  assert.equal(out, 'FROM alpine\nRUN ( cd /tmp && wget https://x/y.tgz ) && \\\n    ( export A=1; echo $A ) && \\\n    rm -f y.tgz\n');
  const run = buildModel(out).instrs.find((i) => i.keyword === 'RUN');
  assert.ok(
    run?.run?.script.commands.slice(0, 4).every((c) => c.subshell),
    'the stateful commands are inside ( … )',
  );
  assert.equal(run?.run?.script.commands[4]?.subshell, false);
});

test('without isolate, the stateful RUN is merged as written (callers must not ask for this)', () => {
  assert.equal(mergeAll('FROM alpine\nRUN cd /tmp\nRUN b\n'), 'FROM alpine\nRUN cd /tmp && \\\n    b\n');
});

test('exec-form and heredoc RUNs are refused', () => {
  for (const text of ['FROM alpine\nRUN ["a"]\nRUN b\n', 'FROM alpine\nRUN <<EOF\na\nEOF\nRUN b\n', 'FROM alpine\nRUN cat <<EOF > /f\nx\nEOF\nRUN b\n']) {
    const model = buildModel(text);
    assert.equal(
      mergeRuns(
        model,
        model.instrs.filter((i) => i.keyword === 'RUN'),
      ),
      null,
      text,
    );
  }
});

test('an instruction between the RUNs is refused', () => {
  const model = buildModel('FROM alpine\nRUN a\nENV X=1\nRUN b\n');
  assert.equal(
    mergeRuns(
      model,
      model.instrs.filter((i) => i.keyword === 'RUN'),
    ),
    null,
  );
});
