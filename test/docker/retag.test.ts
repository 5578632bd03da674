// Build and Measure labels what it builds, and tells its own images from others' before it moves a tag (issue 17).
// Real dockerd, local/busybox only; DOCKER_TESTS=0 skips.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageLabels, runBuild, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import { retagVerdict, SOURCE_LABEL, sourceHash } from '../../client/src/image-source.js';

const DOCKER = '/usr/bin/docker';
const SKIP = process.env['DOCKER_TESTS'] === '0';
const opts: DockerOptions = { dockerPath: DOCKER, timeoutMs: 120_000, env: { ...process.env, DOCKER_BUILDKIT: '1' } };
const OURS = 'dsl-security/retag:ours';
const FOREIGN = 'dsl-security/retag:foreign';
const dir = mkdtempSync(join(tmpdir(), 'dfslim-retag-'));

after(() => {
  if (!SKIP) execFileSync(DOCKER, ['rmi', '-f', OURS, FOREIGN], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

test('images built by Build and Measure carry the source label; a foreign image with the tag is told apart', { skip: SKIP && 'DOCKER_TESTS=0' }, async () => {
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, 'FROM local/busybox:latest\nRUN echo measured > /m\n');
  const hash = sourceHash(dockerfile);
  await runBuild({ dockerfile, context: dir, iidfile: join(dir, 'iid'), tag: OURS, labels: { [SOURCE_LABEL]: hash } }, opts, () => undefined);
  const labels = await imageLabels(OURS, opts);
  assert.equal(labels?.[SOURCE_LABEL], hash);
  assert.equal(retagVerdict(labels, hash), 'ours');
  execFileSync(DOCKER, ['tag', 'local/busybox:latest', FOREIGN]);
  assert.equal(retagVerdict(await imageLabels(FOREIGN, opts), hash), 'foreign');
  assert.equal(retagVerdict(await imageLabels('dsl-security/retag:never-built', opts), hash), 'new');
  assert.equal(retagVerdict(await imageLabels(OURS, opts), sourceHash(join(dir, 'other.Dockerfile'))), 'foreign');
});
