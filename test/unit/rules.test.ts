/**
 * Every rule has a fixture: markers match findings, the golden file (that rule alone) matches, and
 * fixes converge (test/helpers/convergence.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed, rules } from '../../server/src/engine/index.js';
import type { LintOptions } from '../../server/src/kernel/types.js';
import { checkConvergence } from '../helpers/convergence.js';
import { checkGolden, instructionLine, readFixture, renderFindings } from '../helpers/fixture.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

const dir = path.join(fixturesDir, 'rules');

/** Options that switch every rule off but one (a golden renders only the rule under test). */
function only(id: string, options: LintOptions): LintOptions {
  return {
    ...options,
    rules: { ...Object.fromEntries(rules.map((r) => [r.id, r.id === id ? 'default' : 'off'])), ...options.rules, [id]: options.rules?.[id] ?? 'default' },
  };
}

/** A rule's fixture `DSxxx.Dockerfile` and its variants `DSxxx.<case>.Dockerfile`, each with its golden file. */
function fixtureFiles(id: string): { name: string; file: string; golden: string }[] {
  const variants = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${id}.`) && f.endsWith('.Dockerfile') && f !== `${id}.Dockerfile`)
    .sort()
    .map((f) => f.slice(id.length + 1, -'.Dockerfile'.length));
  return [
    { name: '', file: path.join(dir, `${id}.Dockerfile`), golden: path.join(dir, `${id}.golden`) },
    ...variants.map((v) => ({ name: ` (${v})`, file: path.join(dir, `${id}.${v}.Dockerfile`), golden: path.join(dir, `${id}.${v}.golden`) })),
  ];
}

for (const rule of rules) {
  for (const { name, file, golden: goldenFile } of fixtureFiles(rule.id)) {
    test(`${rule.id} ${rule.name}: fixture${name}`, () => {
      assert.ok(fs.existsSync(file), `every rule needs a fixture: ${path.relative(repoRoot, file)} is missing (npm run new-rule scaffolds one)`);
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
          const hit = findings.some(
            (f) => f.rule === id.rule && instructionLine(fx.text, f.line - 1) === e.line && (!id.severity || id.severity === f.severity),
          );
          assert.ok(hit, `expected ${id.rule}${id.severity ? `:${id.severity}` : ''} on the instruction at line ${e.line + 1}`);
        }
      }

      // Convergence, with every rule on (safe and unsafe).
      for (const unsafe of [false, true]) {
        const { problems } = checkConvergence(fx.text, { ...fx.options, unsafe });
        assert.deepEqual(problems, [], `${rule.id} fixture does not converge`);
      }

      // The golden file renders the rule under test alone, so one rule's change never touches another's golden.
      const own = only(rule.id, fx.options);
      const fixed = checkConvergence(fx.text, own);
      const unsafe = checkConvergence(fx.text, { ...own, unsafe: true });
      const golden = [
        `# ${rule.id} ${rule.name} — its findings, then the text with its safe fixes and with its unsafe fixes.`,
        renderFindings(lintDetailed(fx.text, own).filter((f) => f.rule === rule.id)),
        `--- fixed (safe: ${fixed.applied.join(' ') || 'none'}) ---`,
        fixed.text,
        `--- fixed (unsafe: ${unsafe.applied.join(' ') || 'none'}) ---`,
        unsafe.text === fixed.text ? '(same as safe)\n' : unsafe.text,
        ...fixed.createFiles.map((c) => `--- creates ${c.path} ---\n${c.content}`),
      ].join('\n');
      const err = checkGolden(goldenFile, golden);
      assert.equal(err, null, err ?? '');
    });
  }
}
