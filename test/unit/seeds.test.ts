/**
 * The five seed articles' Dockerfiles, linted through the bundled CLI (`node dist/cli.js lint
 * --format json`): every anti-pattern they show is flagged on the right instruction, and every
 * "after" version is clean of it. Markers: `# expect: DS001, DS009` / `DS001:hint` above an
 * instruction; instructions without a marker must have no finding above hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { instructionLine, readFixture } from '../helpers/fixture.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

const dir = path.join(fixturesDir, 'seeds');
const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Row {
  file: string;
  rule: string;
  severity: string;
  line: number;
}

function lintJson(file: string, context: string): { rows: Row[]; status: number } {
  try {
    const out = execFileSync(process.execPath, [cli, 'lint', '--format', 'json', '--context', context, file], { encoding: 'utf8' });
    return { rows: JSON.parse(out) as Row[], status: 0 };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    assert.notEqual(err.status, 2, `CLI usage/I/O error on ${file}`);
    return { rows: JSON.parse(err.stdout) as Row[], status: err.status };
  }
}

for (const name of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .sort()) {
  test(`seed ${name}`, () => {
    const file = path.join(dir, name);
    const fx = readFixture(file, 'DS000');
    const context = path.join(dir, fx.options.dockerignoreExists === false ? 'context-bare' : 'context-ignored');
    const { rows, status } = lintJson(file, context);
    const lineOfInstr = (line1: number): number => instructionLine(fx.text, line1 - 1);
    const expected = new Map(fx.expectations.map((e) => [e.line, e.ids]));
    for (const r of rows) {
      const ids = expected.get(lineOfInstr(r.line)) ?? [];
      const ok = ids.some((id) => id.rule === r.rule && (!id.severity || id.severity === r.severity));
      if (r.severity === 'hint' && !ids.some((id) => id.rule === r.rule)) continue;
      assert.ok(ok, `${name}:${r.line}: unexpected ${r.rule} (${r.severity})`);
    }
    for (const e of fx.expectations) {
      for (const id of e.ids) {
        const hit = rows.some((r) => r.rule === id.rule && lineOfInstr(r.line) === e.line && (!id.severity || id.severity === r.severity));
        assert.ok(
          hit,
          `${name}:${e.line + 1}: expected ${id.rule}${id.severity ? `:${id.severity}` : ''}; got ${rows.map((r) => `${r.rule}@${r.line}`).join(' ') || 'nothing'}`,
        );
      }
    }
    const warn = rows.some((r) => r.severity === 'error' || r.severity === 'warning');
    assert.equal(status, warn ? 1 : 0, 'exit code follows the contract');
  });
}
