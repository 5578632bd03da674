/**
 * hadolint's own test cases for its size rules (../shared/oracle/hadolint-size-cases.json) as a
 * black-box oracle: our matching rule must report (above hint) exactly when hadolint "catches".
 * Deliberate differences live in test/fixtures/oracle-differences.json, keyed
 * "<DLxxxx>|<case name>|<onbuild>" (every case with that key must differ) or
 * "<DLxxxx>|<case name>|<onbuild>|<n>" (only the n-th such case, 1-based, for names hadolint
 * reuses). An entry that no longer differs fails the test, so the list cannot go stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lint } from '../../server/src/engine/index.js';
import { fixturesDir, requireShared } from '../helpers/paths.js';

interface Case {
  rule: string;
  name: string;
  dockerfile: string;
  expect: 'catches' | 'not';
  onbuild: boolean;
}

const RULE_MAP: Record<string, string> = {
  DL3009: 'DS003',
  DL3015: 'DS004',
  DL3019: 'DS005',
  DL3042: 'DS006',
  DL3060: 'DS008',
  DL3032: 'DS007',
  DL3036: 'DS007',
  DL3040: 'DS007',
  DL3059: 'DS001',
};
/** DL3041 is about version pinning, not size: no rule of ours corresponds. */
const SKIPPED = new Set(['DL3041']);

const casesFile = path.join(requireShared('oracle'), 'hadolint-size-cases.json');
const differencesFile = path.join(fixturesDir, 'oracle-differences.json');

/** hadolint's onBuildRuleCatches re-runs the case with every RUN turned into ONBUILD RUN. */
export function withOnbuild(text: string): string {
  let continued = false;
  return text
    .split('\n')
    .map((line) => {
      const out = !continued ? line.replace(/^([ \t]*)(RUN\b)/i, '$1ONBUILD $2') : line;
      continued = /\\\s*$/.test(line);
      return out;
    })
    .join('\n');
}

export function reports(c: Case, rule: string): boolean {
  const text = c.onbuild ? withOnbuild(c.dockerfile) : c.dockerfile;
  return lint(text).some((f) => f.rule === rule && f.severity !== 'hint');
}

test('hadolint oracle: our size rules agree with hadolint’s own test cases, or document why not', () => {
  assert.ok(fs.existsSync(casesFile), `oracle cases missing: ${casesFile} (CI needs shared/ checked out beside the repository)`);
  const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8')) as Case[];
  const documented = fs.existsSync(differencesFile) ? (JSON.parse(fs.readFileSync(differencesFile, 'utf8')) as Record<string, string>) : {};

  const seen = new Map<string, number>();
  const differing = new Set<string>();
  const agreeing = new Set<string>();
  const unexplained: string[] = [];
  let checked = 0;
  let agree = 0;
  for (const c of cases) {
    if (SKIPPED.has(c.rule)) continue;
    const rule = RULE_MAP[c.rule];
    assert.ok(rule, `no rule mapped for ${c.rule}`);
    const key = `${c.rule}|${c.name}|${c.onbuild}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    checked++;
    const ours = reports(c, rule);
    if (ours === (c.expect === 'catches')) {
      agree++;
      agreeing.add(key);
      agreeing.add(`${key}|${n}`);
      continue;
    }
    differing.add(key);
    differing.add(`${key}|${n}`);
    if (documented[`${key}|${n}`] === undefined && documented[key] === undefined) {
      unexplained.push(`${key}|${n}: hadolint ${c.expect}, ${rule} ${ours ? 'reports' : 'is silent'}\n${c.dockerfile}`);
    }
  }

  // Stale entries: a documented key must name cases that exist and all differ.
  const stale = Object.keys(documented).filter((k) => {
    const whole = k.split('|').length === 3;
    return !differing.has(k) || (whole && agreeing.has(k));
  });
  const diffCount = checked - agree;
  console.log(
    `oracle: ${checked} cases, ${agree} agree, ${diffCount} documented differences${unexplained.length ? ` (${unexplained.length} unexplained)` : ''}`,
  );
  assert.deepEqual(stale, [], `oracle-differences.json entries that no longer (all) differ: remove or narrow them`);
  assert.deepEqual(unexplained, [], 'disagreements with hadolint that are not documented in test/fixtures/oracle-differences.json');
});

test('oracle ONBUILD wrapping turns every RUN into ONBUILD RUN and nothing else', () => {
  assert.equal(withOnbuild('FROM x\nRUN a\nrun b \\\n  RUN\nCOPY RUN /\n'), 'FROM x\nONBUILD RUN a\nONBUILD run b \\\n  RUN\nCOPY RUN /\n');
});
