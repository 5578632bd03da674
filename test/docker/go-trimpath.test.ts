/**
 * DS009's `-trimpath` alternative, built for real (test/docker/cases/go-ldflags on local/golang:bookworm): the program
 * still runs, and the image is no bigger than with the safe `-ldflags="-s -w"` alone. Prints the three sizes.
 *
 *   npm run compile && node --test out/test/docker/go-trimpath.test.js
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';
import { repoRoot } from '../helpers/paths.js';
import { buildkitBuild, DOCKER, dockerOk, dockerSkipReason, imageSize } from './buildkit.js';

const skip =
  dockerSkipReason() ||
  (spawnSync(DOCKER, ['image', 'inspect', 'local/golang:bookworm'], { stdio: 'ignore' }).status !== 0 &&
    'no local/golang:bookworm (scripts/docker-engine.sh images)');
const tags: string[] = [];
after(() => {
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
});

test('go -trimpath with -s -w: runs, no bigger than -s -w alone', { skip, timeout: 20 * 60_000 }, () => {
  const dir = path.join(repoRoot, 'test', 'docker', 'cases', 'go-ldflags');
  const files = Object.fromEntries(['go.mod', 'main.go'].map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const finding = lintDetailed(text).find((f) => f.rule === 'DS009');
  assert.ok(finding?.fixDetail && finding.alternatives?.[0], 'DS009 offers the safe fix and the -trimpath alternative');
  const alt = finding.alternatives[0]!;
  assert.equal(alt.safe, false);
  const variants: [string, string][] = [
    ['as-written', text],
    ['strip', applyEdits(text, finding.fixDetail.edits)],
    ['trimpath', applyEdits(text, alt.edits)],
  ];
  assert.match(variants[2]![1], /go build -trimpath -ldflags="-s -w" -o/);
  const sizes: Record<string, number> = {};
  for (const [name, body] of variants) {
    const tag = `dsl-trimpath/${name}`;
    buildkitBuild(body, tag, files);
    tags.push(tag);
    assert.match(dockerOk(['run', '--rm', tag]), /^hello from Dockerfile Slim\s*$/m, `${name}: the program runs`);
    sizes[name] = imageSize(tag);
  }
  console.log(`go: as written ${sizes['as-written']} B, -s -w ${sizes.strip} B, -trimpath -s -w ${sizes.trimpath} B`);
  assert.ok(sizes.trimpath! <= sizes.strip!, 'never bigger than the safe fix alone');
  assert.ok(sizes.strip! < sizes['as-written']!, 'the safe fix saves');
});
