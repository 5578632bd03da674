/** Build and Measure's builder choice (BuildKit or legacy) and step progress, with fake docker executables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILDKIT_UNAVAILABLE, detectBuilder, elapsed, StepTracker } from '../../client/src/builder.js';

/** A fake `docker` that answers `version` with the given client/server versions and `buildx version` as told. */
function fakeDocker(client: string, server: string, buildx: boolean, name = 'docker'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-editor-builder-'));
  const file = path.join(dir, name);
  const script = [
    '#!/bin/sh',
    `if [ "$1" = version ]; then echo "${client}|${server}|linux"; exit 0; fi`,
    `if [ "$1" = buildx ]; then ${buildx ? 'echo "github.com/docker/buildx v0.12.0"; exit 0' : 'echo "docker: \'buildx\' is not a docker command." >&2; exit 1'}; fi`,
    'exit 2',
  ].join('\n');
  fs.writeFileSync(file, script, { mode: 0o755 });
  return file;
}

test('docker 20.10 (BuildKit built into the CLI): BuildKit with plain progress', async () => {
  const b = await detectBuilder({ dockerPath: fakeDocker('20.10.24+dfsg1', '20.10.24+dfsg1', false), timeoutMs: 5000 }, {});
  assert.equal(b.buildkit, true);
  assert.equal(b.env.DOCKER_BUILDKIT, '1');
  assert.equal(b.env.BUILDKIT_PROGRESS, 'plain');
});

test('docker 24 CLI without buildx: the legacy builder, BuildKit-only fixes not offered', async () => {
  const b = await detectBuilder({ dockerPath: fakeDocker('24.0.7', '24.0.7', false), timeoutMs: 5000 }, {});
  assert.equal(b.buildkit, false);
  assert.equal(b.env.DOCKER_BUILDKIT, '0');
});

test('docker 24 CLI with buildx: BuildKit', async () => {
  const b = await detectBuilder({ dockerPath: fakeDocker('24.0.7', '24.0.7', true), timeoutMs: 5000 }, {});
  assert.equal(b.buildkit, true);
});

test('an old daemon, DOCKER_BUILDKIT=0 set by the user, no docker at all, podman', async () => {
  assert.equal((await detectBuilder({ dockerPath: fakeDocker('20.10.0', '18.06.1-ce', false), timeoutMs: 5000 }, {})).buildkit, false);
  assert.equal((await detectBuilder({ dockerPath: fakeDocker('20.10.0', '20.10.0', false), timeoutMs: 5000 }, { DOCKER_BUILDKIT: '0' })).buildkit, false);
  assert.equal((await detectBuilder({ dockerPath: '/nonexistent/docker', timeoutMs: 5000 }, {})).buildkit, undefined);
  assert.equal((await detectBuilder({ dockerPath: fakeDocker('4.9.3', '4.9.3', false, 'podman'), timeoutMs: 5000 }, {})).buildkit, true);
});

test('BuildKit refusals are recognised for the fallback', () => {
  assert.match('ERROR: BuildKit is enabled but the buildx component is missing or broken.', BUILDKIT_UNAVAILABLE);
  assert.doesNotMatch('failed to solve: process "/bin/sh -c exit 1" did not complete successfully', BUILDKIT_UNAVAILABLE);
});

test('step N/M from legacy and BuildKit output, across chunk boundaries', () => {
  const t = new StepTracker();
  // The half line "Step 2/4 : RUN ec" waits for the rest of its chunk.
  assert.deepEqual(t.feed('Step 1/4 : FROM local/busybox\n ---> abc\nStep 2/4 : RUN ec'), { step: 1, total: 4, what: 'FROM local/busybox' });
  t.feed('ho hi\n');
  assert.deepEqual(t.last, { step: 2, total: 4, what: 'RUN echo hi' });
  const k = new StepTracker();
  k.feed('#1 [internal] load build definition from Dockerfile\n#5 [build 3/7] RUN go build ./...\n');
  assert.deepEqual(k.last, { step: 3, total: 7, what: 'RUN go build ./...' });
  k.feed('#6 [2/3] COPY hello.txt /hello.txt\n');
  assert.deepEqual(k.last, { step: 2, total: 3, what: 'COPY hello.txt /hello.txt' });
  assert.equal(elapsed(5_400), '5s');
  assert.equal(elapsed(125_000), '2m 05s');
});
