/** Build and Measure never moves a tag held by someone else's image silently (issue 17), and restricted settings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isValidTag, retagVerdict, SOURCE_LABEL, sourceHash } from '../../client/src/image-source.js';
import { repoRoot } from '../helpers/paths.js';

test("retag verdict: no image, our image, someone else's image", () => {
  const h = sourceHash('/w/Dockerfile');
  assert.match(h, /^[0-9a-f]{32}$/);
  assert.notEqual(sourceHash('/w/other.Dockerfile'), h);
  assert.equal(retagVerdict(undefined, h), 'new');
  assert.equal(retagVerdict({ [SOURCE_LABEL]: h, other: 'x' }, h), 'ours');
  assert.equal(retagVerdict({}, h), 'foreign', 'python:3.12-slim has no label of ours');
  assert.equal(retagVerdict({ [SOURCE_LABEL]: sourceHash('/elsewhere/Dockerfile') }, h), 'foreign', 'built by us from another Dockerfile');
});

test('build.tag must be a plain tag', () => {
  for (const t of ['app', 'dsl/app:1.0', 'localhost:5000/a/b:tag', 'a@sha256:abc']) assert.ok(isValidTag(t), t);
  for (const t of ['-t', '--help', 'a b', 'a\nb', '', 'x'.repeat(300), 'a;rm']) assert.equal(isValidTag(t), false, t);
});

test('package.json: build.context, build.tag and layers.image are restricted in untrusted workspaces', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const k of [
    'dockerfileSlim.dockerPath',
    'dockerfileSlim.build.context',
    'dockerfileSlim.build.tag',
    'dockerfileSlim.build.args',
    'dockerfileSlim.build.target',
    'dockerfileSlim.build.network',
    'dockerfileSlim.build.extraArgs',
    'dockerfileSlim.layers.image',
  ]) {
    assert.ok(restricted.includes(k), k);
  }
  // And the code reads them only through trustedSetting (which ignores workspace values when untrusted).
  const src = (f: string): string => fs.readFileSync(path.join(repoRoot, 'client', 'src', f), 'utf8');
  const readers = fs
    .readdirSync(path.join(repoRoot, 'client', 'src'))
    .filter((f) => /(\.get(<[^>]*>)?|\bsetting)\(\s*'(build\.context|build\.tag|layers\.image)'/.test(src(f)));
  assert.deepEqual(readers, [], 'no direct read of a restricted setting');
  assert.match(src('settings.ts'), /if \(vscode\.workspace\.isTrusted\) return setting\(key, scope\);/);
});
