/**
 * Issue 25 (swallowed-braces-download): DS004 keeps ca-certificates for curl, and the stage purges curl again with
 * an auto-removal; the kept CA store then goes with curl (`apt-get purge -y ca-certificates` before the auto-removal:
 * apt Recommends ca-certificates, so marking it auto would keep it),
 * unless anything after that RUN may talk TLS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint } from '../../server/src/engine/index.js';

const base = (tail: string, extra = ''): string =>
  'FROM debian:bookworm\n' +
  `RUN apt-get update && apt-get install -y curl${extra}\n` +
  'RUN curl -fsSL https://example.org/tool.tar.gz | tar -xz -C /usr/local/bin\n' +
  `RUN apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*\n${tail}`;

const ds004 = (text: string): string => lint(text).find((f) => f.rule === 'DS004')?.fix?.title ?? '';

test('the CA store kept for curl goes with curl when the stage purges it and auto-removes', () => {
  const text = base('CMD ["tool"]\n');
  assert.equal(ds004(text), 'Add `--no-install-recommends`, keep ca-certificates until the TLS clients are purged');
  const fixed = fix(text).text;
  assert.match(fixed, /apt-get install --no-install-recommends -y curl ca-certificates/);
  assert.match(fixed, /apt-get purge -y curl && apt-get purge -y ca-certificates && apt-get autoremove -y/);
  // The user's purge with --auto-remove: marked just before it.
  const own = base('CMD ["tool"]\n').replace('apt-get purge -y curl && apt-get autoremove -y', 'apt-get purge -y --auto-remove curl');
  assert.match(fix(own).text, /apt-get purge -y ca-certificates && apt-get purge -y --auto-remove curl/);
});

test('the CA store stays when anything after the purge may talk TLS, or nothing auto-removes', () => {
  const plain = 'Add `--no-install-recommends`, keep ca-certificates';
  // The image's command fetches over HTTPS.
  assert.equal(ds004(base('CMD ["tool", "https://example.org/x"]\n')), plain);
  // A later RUN downloads with wget (installed in the stage chain: a TLS client that stays).
  assert.equal(ds004(base('RUN apt-get update && apt-get install -y --no-install-recommends wget ca-certificates\nCMD ["tool"]\n')), plain);
  // python3 (an HTTP runtime) installed with curl: it stays, so does the CA store.
  const py = ds004(base('CMD ["tool"]\n', ' python3'));
  assert.match(py, /keep ca-certificates/);
  assert.doesNotMatch(py, /until the TLS clients are purged/);
  // A base image that may ship its own CA store (python:3.11 has one, used by its runtime): left alone.
  assert.equal(ds004(base('CMD ["tool"]\n').replace('FROM debian:bookworm', 'FROM python:3.11-bookworm')), plain);
  // No auto-removal: nothing to do.
  assert.equal(ds004(base('CMD ["tool"]\n').replace(' && apt-get autoremove -y', '')), plain);
});
