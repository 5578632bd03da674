/**
 * The convergence invariant over 274 real-world Dockerfiles (../shared/corpus, read-only):
 * lint never throws, fix(fix(x)) == fix(x), nothing safe-fixable is left, no comment line is
 * lost, and the fixed text has no new dockerfile-utils errors — with safe and unsafe fixes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { autoFixable, fix, lintDetailed } from '../../server/src/engine/index.js';
import { sharedDir } from '../helpers/paths.js';

const dir = path.join(sharedDir, 'corpus', 'files');

function errors(text: string): string[] {
  return validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => (typeof d.message === 'string' ? d.message : d.message.value))
    .sort();
}

function comments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

test('corpus: every file lints, and fixes converge without losing anything', () => {
  assert.ok(fs.existsSync(dir), `corpus missing at ${dir} (CI clones main with shared/ beside it)`);
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.length >= 274, `expected the 274 corpus files, found ${files.length}`);
  let findings = 0;
  let fixed = 0;
  const problems: string[] = [];
  for (const name of files) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const options = { dockerignoreExists: false };
    findings += lintDetailed(text, options).length;
    for (const unsafe of [false, true]) {
      const once = fix(text, { ...options, unsafe });
      const twice = fix(once.text, { ...options, unsafe });
      if (twice.text !== once.text) problems.push(`${name}${unsafe ? ' (unsafe)' : ''}: fix is not idempotent`);
      const left = lintDetailed(once.text, { dockerignoreExists: true }).filter((f) => autoFixable(f, { unsafe }));
      if (left.length) problems.push(`${name}${unsafe ? ' (unsafe)' : ''}: fixable left: ${left.map((f) => `${f.rule}@${f.line}`).join(' ')}`);
      const out = once.text;
      for (const c of comments(text)) if (!out.includes(c)) problems.push(`${name}: lost comment ${JSON.stringify(c)}`);
      const before = errors(text);
      const added = errors(out).filter((m) => !before.includes(m));
      if (added.length) problems.push(`${name}${unsafe ? ' (unsafe)' : ''}: new parse errors: ${added.join('; ')}`);
      if (!unsafe && once.text !== text) fixed++;
    }
  }
  console.log(`corpus: ${files.length} files, ${findings} findings, ${fixed} files changed by safe fixes, ${problems.length} problems`);
  assert.deepEqual(problems, []);
});
