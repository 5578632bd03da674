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

test('walkthrough: every onContext completion event names a context key the extension sets', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { walkthroughs: Array<{ steps: Step[] }> } };
  const keys = pkg.contributes.walkthroughs
    .flatMap((w) => w.steps)
    .flatMap((s) => s.completionEvents ?? [])
    .filter((e) => e.startsWith('onContext:'))
    .map((e) => e.slice('onContext:'.length));
  assert.ok(keys.includes('dockerfileSlim.findingShown'), '"See a finding" ticks when a finding is shown');
  const client = fs
    .readdirSync(path.join(repoRoot, 'client/src'))
    .map((f) => fs.readFileSync(path.join(repoRoot, 'client/src', f), 'utf8'))
    .join('\n');
  for (const k of keys) assert.ok(client.includes(`'${k}'`) && client.includes("'setContext'"), `the client sets ${k}`);
});
