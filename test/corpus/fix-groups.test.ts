/** fixGroups over the corpus: applying every group equals fix, and any group can be left out (the unit tier checks inline files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check } from '../helpers/fix-groups-check.js';
import { requireShared } from '../helpers/paths.js';

test('fixGroups: applying every group equals fix, and any group can be left out (corpus)', () => {
  const dir = path.join(requireShared('corpus'), 'files');
  let groups = 0;
  for (const f of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    groups += check(f, text, false);
    check(`${f} (unsafe)`, text, true);
  }
  assert.ok(groups > 100, `corpus has fixable findings (${groups} groups)`);
});
