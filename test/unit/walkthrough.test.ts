/** The walkthrough (issue 23): plain text a user can read (no raw backticks), media that ship, steps that complete. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

interface Step {
  id: string;
  description: string;
  media: { image?: string; markdown?: string };
  completionEvents?: string[];
}

test('walkthrough: no raw backticks, every image exists and is packaged, every step has a completion event', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { walkthroughs: Array<{ steps: Step[] }> } };
  const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
  const steps = pkg.contributes.walkthroughs.flatMap((w) => w.steps);
  assert.ok(steps.length >= 4);
  for (const s of steps) {
    assert.ok(!s.description.includes('`'), `${s.id}: the walkthrough shows backticks raw`);
    assert.ok((s.completionEvents ?? []).length > 0, `${s.id}: never ticks`);
    const image = s.media.image;
    if (image) {
      assert.ok(fs.existsSync(path.join(repoRoot, image)), `${s.id}: ${image} exists`);
      assert.ok(ignore.includes(`!${image}`), `${s.id}: ${image} is re-included in .vscodeignore (packaged)`);
    }
  }
});
