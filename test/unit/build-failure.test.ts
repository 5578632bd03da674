/**
 * Build and Measure's failure line and build options (issue 23): on recorded real output of docker 20.10's
 * BuildKit and legacy builder (test/fixtures/docker-build/, captured from /usr/bin/docker here), the notification
 * quotes the failing command's output and docker's error, never the first line of the output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeNetwork, summarizeBuildFailure } from '../../common/src/docker/build-failure.js';
import { buildOptions, defaultTag } from '../../common/src/docker/build-options.js';
import { buildArgs } from '../../common/src/docker/docker-cli.js';
import { isValidTag } from '../../client/src/image-source.js';
import { fixturesDir } from '../helpers/paths.js';

const recorded = (name: string): string => fs.readFileSync(path.join(fixturesDir, 'docker-build', name), 'utf8');

test('BuildKit, a RUN that fails: the command’s own error and docker’s exit line', () => {
  const out = recorded('buildkit-run-fails.txt');
  assert.match(out.split('\n')[0] ?? '', /^#\d+ \[internal\] load /, 'the first line is progress, not the error');
  const f = summarizeBuildFailure(out);
  assert.equal(f?.commandOutput, "cat: can't open '/first-ten-missing-file': No such file or directory");
  assert.equal(f?.error, 'executor failed running [/bin/sh -c cat /first-ten-missing-file]: exit code: 1');
  assert.equal(f?.summary, `${f?.commandOutput} — ${f?.error}`);
  assert.equal(looksLikeNetwork(f!), false);
});

test('legacy builder, a RUN that fails: colour codes stripped, the command’s output before "returned a non-zero code"', () => {
  const f = summarizeBuildFailure(recorded('legacy-run-fails.txt'));
  assert.equal(f?.commandOutput, "cat: can't open '/first-ten-missing-file': No such file or directory");
  assert.equal(f?.error, "The command '/bin/sh -c cat /first-ten-missing-file' returned a non-zero code: 1");
});

test('legacy builder, stderr only: the deprecation notice is never taken for the command’s output', () => {
  const stderr =
    "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n            environment-variable.\n\nThe command '/bin/sh -c cat /x' returned a non-zero code: 1\n";
  const f = summarizeBuildFailure(stderr);
  assert.equal(f?.commandOutput, undefined);
  assert.equal(f?.summary, "The command '/bin/sh -c cat /x' returned a non-zero code: 1");
});

test('a base image out of reach: the daemon’s "no such host", offered as a network problem', () => {
  for (const name of ['buildkit-no-base-image.txt', 'legacy-no-base-image.txt']) {
    const f = summarizeBuildFailure(recorded(name));
    assert.match(f?.error ?? '', /lookup registry-1\.docker\.io .*no such host$/, name);
    assert.equal(f?.commandOutput, undefined, name);
    assert.ok(looksLikeNetwork(f!), name);
  }
});

test('a RUN whose download fails to resolve: wget’s "bad address" is quoted and counts as network', () => {
  const f = summarizeBuildFailure(recorded('buildkit-dns.txt'));
  assert.equal(f?.commandOutput, "wget: bad address 'first-ten.invalid'");
  assert.ok(looksLikeNetwork(f!));
});

test('no daemon: the CLI’s own message', () => {
  const f = summarizeBuildFailure(recorded('daemon-down.txt'));
  assert.match(f?.summary ?? '', /cannot connect to the Docker daemon/);
});

test('summaries are bounded; empty output has none', () => {
  assert.equal(summarizeBuildFailure(''), undefined);
  assert.equal(summarizeBuildFailure('\n\n'), undefined);
  const long = `#5 [2/2] RUN x\n#5 1.0 ${'y'.repeat(5000)}\n#5 ERROR: executor failed running [x]: exit code: 2\n`;
  assert.equal(summarizeBuildFailure(long)?.summary.length, 400);
});

test('build options: args, target, network and extra flags become separate arguments', () => {
  const r = buildOptions({ args: { VERSION: '1.2 beta', N: 3 }, target: 'runtime', network: 'host', extraArgs: ['--platform=linux/amd64', '--no-cache'] });
  assert.deepEqual(r, {
    ok: true,
    args: ['--build-arg', 'VERSION=1.2 beta', '--build-arg', 'N=3', '--target', 'runtime', '--network', 'host', '--platform=linux/amd64', '--no-cache'],
  });
  assert.deepEqual(buildOptions({}), { ok: true, args: [] });
  assert.deepEqual(buildOptions({ target: '', network: '', args: {}, extraArgs: [] }), { ok: true, args: [] });
  const req = { dockerfile: '/w/Dockerfile', context: '/w', iidfile: '/t/iid', tag: 'a/b:latest', options: ['--target', 'x'] };
  const argv = buildArgs(req);
  assert.deepEqual(argv.slice(argv.indexOf('--target'), argv.indexOf('--target') + 2), ['--target', 'x']);
  assert.ok(argv.indexOf('--target') < argv.indexOf('--'), 'options come before --');
  assert.equal(argv[argv.length - 1], '/w');
});

test('build options: refused with a reason, never passed on', () => {
  const bad: Array<[Parameters<typeof buildOptions>[0], RegExp]> = [
    [{ args: ['X=1'] }, /object/],
    [{ args: { 'A B': '1' } }, /ARG name/],
    [{ args: { A: 'x\ny' } }, /line break/],
    [{ args: { A: { nested: true } } }, /string/],
    [{ target: '-f /etc/passwd' }, /target/],
    [{ target: 'a b' }, /target/],
    [{ network: 'host; rm -rf /' }, /network/],
    [{ extraArgs: '--no-cache' }, /array/],
    [{ extraArgs: ['--platform', 'linux/amd64'] }, /option/],
    [{ extraArgs: ['-q'] }, /option/],
    [{ extraArgs: ['--iidfile=/tmp/x'] }, /set by Build and Measure/],
    [{ extraArgs: ['--tag=evil:latest'] }, /set by Build and Measure/],
    [{ extraArgs: ['--output=type=local,dest=/'] }, /set by Build and Measure/],
    [{ extraArgs: ['--file=../x'] }, /set by Build and Measure/],
    [{ extraArgs: ['--label=x=\u001b[31m'] }, /option|set by/],
  ];
  for (const [s, why] of bad) {
    const r = buildOptions(s);
    assert.equal(r.ok, false, JSON.stringify(s));
    if (!r.ok) assert.match(r.reason, why, JSON.stringify(s));
  }
});

test('default tag: one per Dockerfile, a valid reference, stable across rebuilds', () => {
  assert.equal(defaultTag('/home/u/My App/Dockerfile'), 'dockerfile-slim/my-app:latest');
  assert.equal(defaultTag('/home/u/api/Dockerfile.prod'), 'dockerfile-slim/api-prod:latest');
  assert.equal(defaultTag('/home/u/api/worker.Dockerfile'), 'dockerfile-slim/api-worker:latest');
  assert.equal(defaultTag('/home/u/api/Containerfile'), 'dockerfile-slim/api:latest');
  assert.equal(defaultTag('/Dockerfile'), 'dockerfile-slim/root:latest');
  assert.equal(defaultTag('/x/__/Dockerfile'), 'dockerfile-slim/root:latest');
  assert.match(defaultTag('/a/app/Dockerfile', true), /^dockerfile-slim\/app-[0-9a-f]{8}:latest$/);
  assert.notEqual(defaultTag('/a/app/Dockerfile', true), defaultTag('/b/app/Dockerfile', true));
  for (const p of ['/ü/ДОКЕР/Dockerfile', '/x/-a-/Dockerfile.--', `/x/${'a'.repeat(300)}/Dockerfile`, '/x/A.B_C/Dockerfile']) {
    const tag = defaultTag(p);
    assert.ok(isValidTag(tag), tag);
    assert.match(tag, /^dockerfile-slim\/[a-z0-9]+(-[a-z0-9]+)*:latest$/, tag);
  }
});
