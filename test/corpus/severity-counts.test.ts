/**
 * Findings per rule and severity on the 274 corpus files (printed for docs/quiet-policy.md), and the quiet
 * policy held: no finding that says it saves nothing is drawn as a squiggle (info or above).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { sharedDir, sharedSkip } from '../helpers/paths.js';

const dir = path.join(sharedDir, 'corpus', 'files');

test('corpus: findings per severity, and nothing that saves nothing is a squiggle', { skip: sharedSkip('corpus') }, () => {
  const counts = new Map<string, Record<string, number>>();
  const total: Record<string, number> = {};
  const loud: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    for (const f of lintDetailed(fs.readFileSync(path.join(dir, name), 'utf8'))) {
      const row = counts.get(f.rule) ?? {};
      row[f.severity] = (row[f.severity] ?? 0) + 1;
      counts.set(f.rule, row);
      total[f.severity] = (total[f.severity] ?? 0) + 1;
      if (f.severity !== 'hint' && /adds no recommended packages|saves nothing/.test(f.message)) loud.push(`${name}:${f.line} ${f.rule}`);
    }
  }
  const cell = (r: Record<string, number>, s: string): number => r[s] ?? 0;
  console.log(`corpus severities: ${['error', 'warning', 'info', 'hint'].map((s) => `${s} ${cell(total, s)}`).join(', ')}`);
  for (const [rule, r] of [...counts].sort()) console.log(`  ${rule}: warning ${cell(r, 'warning')}, info ${cell(r, 'info')}, hint ${cell(r, 'hint')}`);
  assert.ok(counts.size > 0, 'the corpus has findings');
  assert.deepEqual(loud, []);
});
