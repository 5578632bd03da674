/**
 * docker runs from an absolute path found in PATH (issue 17): never the working directory, never a
 * relative or empty PATH entry, never a folder inside the workspace (a planted docker.exe), and every
 * reference comes after `--`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveExecutable } from '../../common/src/docker/docker-path.js';
import { buildArgs, imageHistory, type DockerOptions } from '../../common/src/docker/docker-cli.js';

function fakeDocker(dir: string, body = '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args"\n'): string {
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, 'docker');
  fs.writeFileSync(f, body, { mode: 0o755 });
  return f;
}

test('posix: bare name looked up in absolute PATH entries only, workspace folders skipped', { skip: process.platform === 'win32' }, () => {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-dockerpath-')));
  const ws = path.join(base, 'ws');
  const planted = fakeDocker(path.join(ws, 'bin'));
  const real = fakeDocker(path.join(base, 'usr', 'bin'));
  fs.writeFileSync(path.join(base, 'notexec'), 'x');
  const env = { PATH: ['', '.', 'bin', path.join(ws, 'bin'), path.join(base, 'usr', 'bin')].join(':') };
  const cwd = process.cwd();
  process.chdir(ws); // a ./docker and a ./bin/docker right here
  try {
    fakeDocker(ws);
    assert.equal(resolveExecutable('docker', { env, exclude: [ws] }), real);
    assert.equal(resolveExecutable('docker', { env, exclude: [] }), planted, 'without exclusion the PATH order holds');
    assert.equal(resolveExecutable('./docker', { env }), undefined, 'relative paths depend on the working directory');
    assert.equal(resolveExecutable('bin/docker', { env }), undefined);
    assert.equal(resolveExecutable('docker', { env: { PATH: '.:bin:' } }), undefined);
    assert.equal(resolveExecutable(real, { env: {} }), real, 'an absolute setting is used as it is');
    assert.equal(resolveExecutable(path.join(base, 'notexec'), { env: {} }), undefined, 'not executable');
    assert.equal(resolveExecutable('', { env }), undefined);
  } finally {
    process.chdir(cwd);
  }
});

test('Windows: only .exe/.com from absolute, non-UNC PATH entries outside the workspace; case-insensitive Path', () => {
  const files = new Set([
    'C:\\ws\\docker.exe',
    'C:\\ws\\bin\\docker.exe',
    'C:\\Program Files\\Docker\\docker.exe',
    'C:\\tools\\docker.bat',
    '\\\\evil\\s\\docker.exe',
  ]);
  const isExecutable = (f: string): boolean => files.has(f);
  const opts = { platform: 'win32' as const, isExecutable, exclude: ['c:\\WS'] };
  const env = { Path: ['.', 'bin', '\\\\evil\\s', 'C:\\ws\\bin', 'C:\\tools', '"C:\\Program Files\\Docker"'].join(';') };
  assert.equal(resolveExecutable('docker', { ...opts, env }), 'C:\\Program Files\\Docker\\docker.exe');
  assert.equal(resolveExecutable('docker', { ...opts, env: { PATH: 'C:\\tools' } }), undefined, 'a .bat is never a candidate');
  assert.equal(resolveExecutable('\\\\evil\\s\\docker.exe', { ...opts, env: {} }), undefined, 'never from a share');
  assert.equal(resolveExecutable('C:\\Program Files\\Docker\\docker', { ...opts, env: {} }), 'C:\\Program Files\\Docker\\docker.exe');
  assert.equal(resolveExecutable('bin\\docker', { ...opts, env }), undefined);
});

test('spawned by absolute path with -- before the reference; build context after --', { skip: process.platform === 'win32' }, async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-dockerargs-')));
  fakeDocker(dir, '#!/bin/sh\nprintf "%s\\n" "$0" "$@" > "$(dirname "$0")/args"\n');
  const opts: DockerOptions = { dockerPath: 'docker', timeoutMs: 5000, env: { PATH: `${dir}:/usr/bin:/bin` } };
  await imageHistory('--help', opts).catch(() => undefined);
  const args = fs.readFileSync(path.join(dir, 'args'), 'utf8').trim().split('\n');
  assert.equal(args[0], path.join(dir, 'docker'));
  assert.deepEqual(args.slice(-2), ['--', '--help'], 'a reference that looks like an option stays a reference');
  const b = buildArgs({ dockerfile: '/w/Dockerfile', context: '-ctx', iidfile: '/t/iid', tag: 'x:1', labels: { 'dockerfile-slim.source': 'abc' } });
  assert.deepEqual(b.slice(-4), ['--label', 'dockerfile-slim.source=abc', '--', '-ctx']);
});
