/**
 * Every rule fixture: markers match findings, the golden file matches, and fixes converge
 * (lint(fix(x)) has nothing safe-fixable left, fix(fix(x)) == fix(x), comments survive,
 * and the fixed text has no new dockerfile-utils errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { autoFixable, fix, lintDetailed, rules } from '../../server/src/engine/index.js';
import { checkGolden, instructionLine, readFixture, renderFindings } from '../helpers/fixture.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

const dir = path.join(fixturesDir, 'rules');

function validatorErrors(text: string): string[] {
  return validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => (typeof d.message === 'string' ? d.message : d.message.value))
    .sort();
}

/** Comment lines of a Dockerfile, trimmed (inline shell comments included). */
export function commentLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

for (const rule of rules) {
  const file = path.join(dir, `${rule.id}.Dockerfile`);
  test(`${rule.id} ${rule.name}: fixture`, { skip: !fs.existsSync(file) && `no fixture ${path.relative(repoRoot, file)} yet` }, () => {
    const fx = readFixture(file, rule.id);
    const findings = lintDetailed(fx.text, fx.options);
    assert.ok(fx.expectations.length > 0, 'a fixture needs at least one `# expect:` marker');
    assert.ok(
      findings.some((f) => f.rule === rule.id),
      `${rule.id} must fire somewhere in its fixture`,
    );

    // Markers: each marked instruction has exactly the expected findings of the fixture's rules;
    // unmarked instructions have none of them.
    const marked = new Map(fx.expectations.map((e) => [e.line, e]));
    for (const f of findings) {
      if (!fx.rules.includes(f.rule)) continue;
      const instrLine = instructionLine(fx.text, f.line - 1);
      const exp = marked.get(instrLine);
      const ok = exp?.ids.some((id) => id.rule === f.rule && (!id.severity || id.severity === f.severity));
      assert.ok(ok, `unexpected ${f.rule} (${f.severity}) at line ${f.line}: ${f.message}`);
    }
    for (const e of fx.expectations) {
      for (const id of e.ids) {
        const hit = findings.some((f) => f.rule === id.rule && instructionLine(fx.text, f.line - 1) === e.line && (!id.severity || id.severity === f.severity));
        assert.ok(hit, `expected ${id.rule}${id.severity ? `:${id.severity}` : ''} on the instruction at line ${e.line + 1}`);
      }
    }

    // Convergence.
    const fixed = fix(fx.text, fx.options);
    const again = fix(fixed.text, fx.options);
    assert.equal(again.text, fixed.text, 'fix(fix(x)) must equal fix(x)');
    const left = lintDetailed(fixed.text, { ...fx.options, dockerignoreExists: fx.options.dockerignoreExists || fixed.createFiles.length > 0 || undefined });
    assert.deepEqual(
      left.filter((f) => autoFixable(f)).map((f) => `${f.rule}@${f.line}`),
      [],
      'no safe-fixable finding may be left after fix',
    );
    const unsafe = fix(fx.text, { ...fx.options, unsafe: true });
    for (const out of [fixed.text, unsafe.text]) {
      for (const c of commentLines(fx.text)) assert.ok(out.includes(c), `a fix lost the comment ${JSON.stringify(c)}`);
      const before = validatorErrors(fx.text);
      const after = validatorErrors(out);
      assert.deepEqual(
        after.filter((m) => !before.includes(m)),
        [],
        'fixed text has new dockerfile-utils errors',
      );
    }

    const golden = [
      `# ${rule.id} ${rule.name} — findings of all rules, then the safe-fixed and the unsafe-fixed text.`,
      renderFindings(findings),
      `--- fixed (safe: ${fixed.applied.join(' ') || 'none'}) ---`,
      fixed.text,
      `--- fixed (unsafe: ${unsafe.applied.join(' ') || 'none'}) ---`,
      unsafe.text === fixed.text ? '(same as safe)\n' : unsafe.text,
      ...fixed.createFiles.map((c) => `--- creates ${c.path} ---\n${c.content}`),
    ].join('\n');
    const err = checkGolden(path.join(dir, `${rule.id}.golden`), golden);
    assert.equal(err, null, err ?? '');
  });
}
