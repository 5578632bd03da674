/**
 * Docker faults for the layer CodeLens, against the real common/src/docker/docker-cli.ts (no mocks):
 * docker missing, daemon down (real /usr/bin/docker, DOCKER_HOST at a socket that does not exist),
 * a CLI that hangs (a real script: killed at the time-out, nothing blocked), junk output, and an
 * image that is gone (real daemon, when one is running). Every failure is a typed DockerError.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerError, imageHistory, imageId, saveImage, type DockerErrorKind, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import { attributeLayers, parseHistoryOutput } from '../../common/src/image-layers/index.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-docker-faults-'));
after(() => {
  process.off('unhandledRejection', onUnhandled);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

/** A real executable in the temp dir. */
function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

async function kindOf(p: Promise<unknown>): Promise<DockerErrorKind> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DockerError, `a DockerError, not ${String(e)}`);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), 'a one-line message for a quiet lens');
    return e.kind;
  }
  assert.fail('expected a DockerError');
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const dockerCli = '/usr/bin/docker';
const daemonUp = fs.existsSync(dockerCli) && spawnSync(dockerCli, ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 }).status === 0;

test('docker missing: every call rejects with not-installed', async () => {
  const opts: DockerOptions = { dockerPath: path.join(dir, 'no-such-docker'), timeoutMs: 5000 };
  assert.equal(await kindOf(imageHistory('alpine', opts)), 'not-installed');
  assert.equal(await kindOf(imageId('alpine', opts)), 'not-installed');
  assert.equal(await kindOf(saveImage('alpine', opts)), 'not-installed');
});

test(
  'daemon down: the real docker CLI against a socket that does not exist → daemon-down',
  { skip: !fs.existsSync(dockerCli) && 'no /usr/bin/docker' },
  async () => {
    const opts: DockerOptions = {
      dockerPath: dockerCli,
      timeoutMs: 15_000,
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock', DOCKER_CONTEXT: '' },
    };
    assert.equal(await kindOf(imageHistory('alpine', opts)), 'daemon-down');
    assert.equal(await kindOf(imageId('alpine', opts)), 'daemon-down');
    assert.equal(await kindOf(saveImage('alpine', opts)), 'daemon-down');
  },
);

test('a hanging CLI is killed at the time-out; the event loop is never blocked', async () => {
  const pidFile = path.join(dir, 'hang.pid');
  const hang = script('hang-docker', `echo $$ > ${pidFile}\nexec sleep 60`);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  const t0 = Date.now();
  const kinds = await Promise.all(
    [imageHistory('img', { dockerPath: hang, timeoutMs: 600 }), saveImage('img', { dockerPath: hang, timeoutMs: 600 })].map(kindOf),
  );
  const ms = Date.now() - t0;
  clearInterval(ticker);
  assert.deepEqual(kinds, ['timed-out', 'timed-out']);
  assert.ok(ms < 5000, `gave up after ${ms} ms`);
  assert.ok(ticks >= 10, `timers kept running while waiting (${ticks} ticks)`);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(!isAlive(pid), `the hanging process ${pid} was killed`);
});

test('a hanging CLI whose child keeps the output pipe open still times out promptly', async () => {
  const childPid = path.join(dir, 'child.pid');
  const hang = script('hang-with-child', `sleep 60 &\necho $! > ${childPid}\nwait`);
  const t0 = Date.now();
  assert.equal(await kindOf(imageHistory('img', { dockerPath: hang, timeoutMs: 600 })), 'timed-out');
  assert.ok(Date.now() - t0 < 5000);
  const pid = Number(fs.readFileSync(childPid, 'utf8'));
  // The time-out kills the whole process group, so the grandchild is gone too (allow the kernel a moment).
  // A killed process whose parent died too may stay a zombie when PID 1 does not reap (containers): that is dead.
  const running = (p: number): boolean =>
    isAlive(p) && !/^\d+ \(.*\) Z/.test(fs.existsSync(`/proc/${p}/stat`) ? fs.readFileSync(`/proc/${p}/stat`, 'utf8') : '');
  for (let i = 0; i < 50 && running(pid); i++) await new Promise((r) => setTimeout(r, 20));
  const alive = running(pid);
  if (alive) process.kill(pid, 'SIGKILL');
  assert.ok(!alive, `the grandchild ${pid} was killed with its group`);
});

test('malformed output: junk instead of history JSON, image id or an image archive → malformed-output', async () => {
  const junk = script('junk-docker', `printf '%s\\n' 'WARNING: something {"Size": ' 'not json at all' '\\001\\002'`);
  const opts: DockerOptions = { dockerPath: junk, timeoutMs: 5000 };
  assert.equal(await kindOf(imageHistory('img', opts)), 'malformed-output');
  assert.equal(await kindOf(imageId('img', opts)), 'malformed-output');
  assert.equal(await kindOf(saveImage('img', opts)), 'malformed-output');
  const arr = script('array-docker', `echo '[1, "two", null]'`);
  assert.equal(await kindOf(imageHistory('img', { dockerPath: arr, timeoutMs: 5000 })), 'malformed-output');
  const fails = script('fail-docker', `echo 'permission denied while trying something odd' >&2\nexit 3`);
  assert.equal(await kindOf(imageHistory('img', { dockerPath: fails, timeoutMs: 5000 })), 'failed');
});

test('history rows that parse as JSON but not as layers (negative or unreadable sizes) fail in imageHistory, typed', async () => {
  const odd = script('odd-rows-docker', `echo '{"CreatedBy":"RUN /bin/sh -c apk add x # buildkit","Size":-5}'`);
  assert.equal(await kindOf(imageHistory('img', { dockerPath: odd, timeoutMs: 5000 })), 'malformed-output');
  const words = script('word-size-docker', `echo '{"CreatedBy":"x","Size":"huge"}'`);
  assert.equal(await kindOf(imageHistory('img', { dockerPath: words, timeoutMs: 5000 })), 'malformed-output');
});

test('the pure layers code: odd but readable rows and odd Dockerfiles never throw a TypeError', () => {
  const rows = [
    {},
    { Size: 0 },
    { Size: '20.9MB', CreatedBy: 'RUN /bin/sh -c apk add x # buildkit' },
    { Size: Number.MAX_SAFE_INTEGER, CreatedBy: '/bin/sh -c #(nop) COPY file:abc in / ' },
    { size: 3, created_by: '' },
  ];
  for (const text of ['', 'FROM', 'FROM alpine\nRUN apk add x\n', '\uFEFF\r\r\n\\\n', 'FROM a\nRUN <<EOF\n']) {
    const out = attributeLayers(text, rows);
    for (const r of out) assert.ok(Number.isFinite(r.bytes) && r.line >= 1, JSON.stringify(r));
  }
  assert.deepEqual(parseHistoryOutput(''), []);
  assert.throws(
    () => parseHistoryOutput('{"Size": 1'),
    (e: Error) => e.name === 'MalformedHistoryError',
  );
});

test(
  'image deleted: history and id of an image that does not exist (real daemon) → image-not-found',
  { skip: !daemonUp && 'no running Docker daemon' },
  async () => {
    const opts: DockerOptions = { dockerPath: dockerCli, timeoutMs: 20_000 };
    const gone = 'sha256:' + '0'.repeat(64);
    assert.equal(await kindOf(imageHistory(gone, opts)), 'image-not-found');
    assert.equal(await kindOf(imageId(gone, opts)), 'image-not-found');
    assert.equal(await kindOf(imageHistory('dockerfile-slim-test/never-built:nope', opts)), 'image-not-found');
  },
);
