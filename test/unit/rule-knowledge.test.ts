/**
 * A rule owns its knowledge: the squiggle focus, the measured saving, BuildKit-only and unsafe reasons are
 * fields of the rule and its fixes (kernel/rule.ts, kernel/types.ts), and the adapters read them. These
 * tests hold the fields against what the rules really produce on their fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { rules } from '../../server/src/rules/index.js';
import { fixTitle } from '../../server/src/kernel/rule.js';
import type { DetailedFinding, Fix } from '../../server/src/kernel/types.js';
import { fixturesDir } from '../helpers/paths.js';

const dir = path.join(fixturesDir, 'rules');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
const findings: { name: string; text: string; f: DetailedFinding }[] = fixtures.flatMap(({ name, text }) =>
  lintDetailed(text, { dockerignoreExists: false }).map((f) => ({ name, text, f })),
);
const allFixes = (f: DetailedFinding): Fix[] => [...(f.fixDetail ? [f.fixDetail] : []), ...(f.alternatives ?? [])];
/** A BuildKit-only flag written by the fix: `RUN --mount=…`, `COPY --chmod=…`, `COPY --link`. */
const BUILDKIT_FLAG = /(^|\s)--(chmod|mount|link)\b/;

test('the fixtures exercise the fields (a sample big enough to mean something)', () => {
  assert.ok(findings.length > 100, `${findings.length} findings`);
  assert.ok(
    findings.some(({ f }) => allFixes(f).some((x) => x.buildkitOnly)),
    'some fix is BuildKit-only',
  );
  assert.ok(
    findings.some(({ f }) => f.fixDetail?.unsafeReason),
    'some fix says why it is unsafe',
  );
});

test('a fix is BuildKit-only exactly when its edits write a BuildKit-only flag', () => {
  const wrong: string[] = [];
  for (const { name, f } of findings) {
    for (const x of allFixes(f)) {
      const writes = x.edits.some((e) => BUILDKIT_FLAG.test(e.text));
      if (writes !== (x.buildkitOnly === true)) wrong.push(`${name} ${f.rule} line ${f.line}: "${x.title}" buildkitOnly=${x.buildkitOnly} writes=${writes}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('titles carry no asides the fields own; the full title (CLI, SARIF) adds them back', () => {
  for (const { f } of findings) {
    for (const x of allFixes(f)) {
      assert.doesNotMatch(x.title, /\((BuildKit only|check first|unsafe)\b/, `${f.rule}: ${x.title}`);
      if (x.unsafeReason) assert.equal(x.safe, false, `${f.rule}: a fix with a reason to be careful is unsafe`);
    }
    if (f.fix && f.fixDetail) assert.equal(f.fix.title, fixTitle(f.fixDetail));
  }
  assert.equal(fixTitle({ title: 'Append `yarn cache clean`' }), 'Append `yarn cache clean`');
  assert.equal(fixTitle({ title: 'Add `--chmod=755`', buildkitOnly: true }), 'Add `--chmod=755` (BuildKit only)');
  assert.equal(fixTitle({ title: 'Append `go clean -cache`', unsafeReason: 'go runs again at line 9' }), 'Append `go clean -cache` (go runs again at line 9)');
  assert.equal(fixTitle({ title: 'X', unsafeReason: 'why', buildkitOnly: true }), 'X (why) (BuildKit only)');
});

test("a rule's focus finds its token in every long or multi-line finding of the rule", () => {
  const missed: string[] = [];
  let checked = 0;
  for (const { name, text, f } of findings) {
    const rule = rules.find((r) => r.id === f.rule);
    assert.ok(rule, f.rule);
    assert.equal(f.focus, rule.focus, `${f.rule}: the finding carries its rule's focus`);
    const slice = text.slice(f.start, f.end);
    if (!rule.focus || (!/[\r\n]/.test(slice) && slice.length <= 40)) continue;
    checked++;
    if (!rule.focus.test(slice)) missed.push(`${name} ${f.rule} line ${f.line}: ${slice.slice(0, 60)}`);
  }
  assert.ok(checked > 20, `${checked} long findings checked`);
  assert.deepEqual(missed, []);
});

test('measured savings name a field the build measures, and only rules whose fix removes bytes have one', () => {
  const withSaving = rules.filter((r) => r.measuredSaving).map((r) => [r.id, r.measuredSaving]);
  assert.deepEqual(withSaving, [
    ['DS002', 'removesBytes'],
    ['DS003', 'aptListsBytes'],
    ['DS013', 'archiveBytes'],
  ]);
});
