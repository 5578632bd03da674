/** The shell parser and RUN script extraction on the forms people really write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShell } from '../../server/src/kernel/shell/parser.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { lint } from '../../server/src/engine/index.js';
import { removes } from '../../server/src/kernel/commands.js';

const names = (src: string): string[] => parseShell(src).commands.map((c) => c.words.map((w) => w.value).join(' '));

test('commands, operators, quoting and expansions', () => {
  assert.deepEqual(names(`set -ex; apt-get update && apt-get install -y "a b" 'c' || true`), ['set -ex', 'apt-get update', 'apt-get install -y a b c', 'true']);
  assert.deepEqual(names('echo "$(date +%s)" `uname` ${X:-y} | tee /x 2>/dev/null'), ['echo $(date +%s) `uname` ${X:-y}', 'tee /x']);
  const s = parseShell('a && b || c; d | e & f');
  assert.deepEqual(
    s.commands.map((c) => [c.before, c.after]),
    [
      [null, '&&'],
      ['&&', '||'],
      ['||', ';'],
      [';', '|'],
      ['|', '&'],
      ['&', null],
    ],
  );
});

test('compound commands are walked through; reserved words are not commands', () => {
  assert.deepEqual(names('if [ -f x ]; then apt-get update; else echo no; fi && rm -rf /x'), ['[ -f x ]', 'apt-get update', 'echo no', 'rm -rf /x']);
  assert.deepEqual(names('for p in a b; do pip install $p; done'), ['pip install $p']);
  assert.deepEqual(names('case "$A" in x|y) apk add x ;; *) echo other ;; esac'), ['apk add x', 'echo other']);
  const sub = parseShell('(cd /tmp && make) && ls');
  assert.deepEqual(
    sub.commands.map((c) => c.subshell),
    [true, true, false],
  );
  const cond = parseShell('while read l; do echo $l; done < f');
  assert.deepEqual(
    cond.commands.map((c) => c.condition),
    [true, false],
  );
});

test('comments, here-documents and assignments', () => {
  assert.deepEqual(names('echo 1 # a comment && rm -rf /'), ['echo 1']);
  assert.deepEqual(names('cat <<EOF > /x\nrm -rf /\nEOF\necho done'), ['cat', 'echo done']);
  const a = parseShell('FOO=1 BAR="x y" make install');
  assert.deepEqual(
    a.commands[0]?.assigns.map((w) => w.raw),
    ['FOO=1', 'BAR="x y"'],
  );
  assert.deepEqual(
    a.commands[0]?.words.map((w) => w.value),
    ['make', 'install'],
  );
});

test('half-typed and unterminated input never throws', () => {
  for (const src of ['echo "unterminated', "it's", 'a &&', '$(', '`', 'if then fi fi', 'case', 'for', '((', '))', '<<', '{ }', ';;;', '\\']) {
    assert.doesNotThrow(() => parseShell(src), src);
  }
});

test('rm coverage is decided on paths, not on flags', () => {
  assert.equal(removes('/var/lib/apt/lists/*', '/var/lib/apt/lists'), true);
  assert.equal(removes('/var/lib/apt/lists/', '/var/lib/apt/lists'), true);
  assert.equal(removes('/var/lib/apt', '/var/lib/apt/lists'), true);
  assert.equal(removes('/tmp/x', '/var/lib/apt/lists'), false);
  assert.equal(removes('/var/lib/apt/lists/*.lz4', '/var/lib/apt/lists'), false);
  assert.equal(removes('/var/lib/apt/lists/partial', '/var/lib/apt/lists'), false);
});

test('the script Docker runs: continuations, comment lines, escape directive, exec form', () => {
  const m = buildModel('# escape=`\nFROM x\nRUN apt-get update `\n  # note\n  && echo \\ hi\nRUN ["sh", "-c", "apk add curl"]\n');
  const runs = m.instrs.filter((i) => i.run);
  assert.equal(runs[0]?.run?.script.src, 'apt-get update   && echo \\ hi');
  assert.equal(runs[1]?.run?.form, 'exec');
  assert.deepEqual(
    runs[1]?.run?.script.commands[0]?.words.map((w) => w.value),
    ['apk', 'add', 'curl'],
  );
});

test('RUNs under a PowerShell SHELL are not analysed as sh', () => {
  const text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN pip install x\nRUN apk add y\n';
  assert.deepEqual(
    lint(text).filter((f) => f.severity !== 'hint'),
    [],
  );
  assert.ok(lint('FROM alpine\nRUN apk add y\n').some((f) => f.rule === 'DS005'));
});
