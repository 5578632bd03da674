/**
 * The cache-mount alternative for every package manager a rule reports, against the directory each manager's own
 * documentation names (reviewed table below), and the other half of the contract: once a mount holds the cache, no rule
 * asks to delete it. apt also sets Debian's docker-clean aside for the RUN (it would empty the mount after every install)
 * and puts it back at the end, so later RUNs without a mount still clean up. Real BuildKit builds:
 * test/docker/cache-mounts-apt.test.ts (apt), test/docker/cache-mounts.test.ts (Go, cargo) and
 * test/docker/cache-mounts-pip-npm.test.ts (pip, npm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint, lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';

// [rule, Dockerfile, mount targets as the manager documents them]
const TABLE: [string, string, string[]][] = [
  // apt(8): Dir::Cache "var/cache/apt", Dir::State::Lists "var/lib/apt/lists"
  ['DS003', 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n', ['/var/cache/apt', '/var/lib/apt/lists']],
  // apk: /etc/apk/cache links to /var/cache/apk
  ['DS005', 'FROM alpine:3.20\nRUN apk add curl\n', ['/var/cache/apk']],
  // pip: "~/.cache/pip" on Linux (pip docs, Caching)
  ['DS006', 'FROM python:3.12\nRUN pip install flask\n', ['/root/.cache/pip']],
  // npm: cache "~/.npm" (npm config docs)
  ['DS008', 'FROM node:20\nRUN npm ci\n', ['/root/.npm']],
  // yarn 1: "/usr/local/share/.cache/yarn" as root (yarn cache dir)
  ['DS008', 'FROM node:20\nRUN yarn install --frozen-lockfile\n', ['/usr/local/share/.cache/yarn']],
  // composer: COMPOSER_CACHE_DIR defaults to $COMPOSER_HOME/cache, COMPOSER_HOME to ~/.composer (the official image sets /tmp)
  ['DS008', 'FROM php:8.3\nRUN composer install --no-dev\n', ['/root/.composer/cache']],
  ['DS008', 'FROM composer:2\nRUN composer install --no-dev\n', ['/tmp/cache']],
  // dnf.conf(5): cachedir /var/cache/dnf; dnf5: /var/cache/libdnf5; zypper: /var/cache/zypp
  ['DS007', 'FROM fedora:40\nRUN dnf install -y nginx\n', ['/var/cache/dnf']],
  ['DS007', 'FROM fedora:41\nRUN dnf5 install -y nginx\n', ['/var/cache/libdnf5']],
  ['DS007', 'FROM opensuse/leap:15.6\nRUN zypper install -y nginx\n', ['/var/cache/zypp']],
  // yum is dnf on RHEL 8+; microdnf may be libdnf or libdnf5: every place the cache may be
  ['DS007', 'FROM centos:7\nRUN yum install -y nginx\n', ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5']],
  ['DS007', 'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y nginx\n', ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5']],
];

const LOCKING = /^\/var\/(cache\/(apt|dnf|libdnf5|yum|zypp)|lib\/apt\/lists)$/;

for (const [rule, text, targets] of TABLE) {
  test(`${rule}: the cache mount for ${text.split('\n')[1]} targets ${targets.join(', ')}`, () => {
    const finding = lintDetailed(text).find((f) => f.rule === rule);
    assert.ok(finding, `${rule} fires:\n${text}`);
    const alt = finding.alternatives?.[0];
    assert.ok(alt, `${rule} offers a cache mount`);
    assert.equal(alt.safe, false, 'BuildKit only: never applied by fix-all');
    assert.equal(alt.buildkitOnly, true);
    const after = applyEdits(text, alt.edits);
    const mounts = [...after.matchAll(/--mount=([^\s]+)/g)].map((m) => Object.fromEntries(m[1]!.split(',').map((kv) => kv.split('=') as [string, string])));
    assert.deepEqual(
      mounts.map((m) => m.target),
      targets,
    );
    for (const m of mounts) {
      assert.equal(m.type, 'cache');
      assert.ok(m.id, 'every cache has an id of its own');
      assert.equal(m.sharing === 'locked', LOCKING.test(m.target ?? ''), `sharing=locked exactly where the manager locks: ${m.target}`);
    }
    assert.equal(new Set(mounts.map((m) => m.id)).size, mounts.length, 'two directories never share one cache id');
    // The mount holds the cache: the finding is gone, and no rule asks to delete the cache now.
    assert.ok(!lint(after).some((f) => f.rule === rule && f.line === finding.line), `${rule} quiet with the mount:\n${after}`);
    assert.ok(!fix(text, { unsafe: true }).text.includes('--mount'), 'fix and fix --unsafe never add a mount');
  });
}

test('apt: docker-clean set aside for the RUN and put back at its end; exec form and here-documents get no mount', () => {
  const text = 'FROM debian:bookworm\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl\n';
  const alt = lintDetailed(text).find((f) => f.rule === 'DS003')?.alternatives?.[0];
  assert.ok(alt);
  const after = applyEdits(text, alt.edits);
  assert.match(after, /sharing=locked mv \/etc\/apt\/apt\.conf\.d\/docker-clean \/etc\/apt\/docker-clean\.dockerfile-slim 2>\/dev\/null; apt-get update/);
  assert.match(
    after,
    // The appended command goes on its own line where the RUN puts one command per line (issue 22).
    /curl(?: \\\n {4}| )&& (?:\\\n {4})?\{ mv \/etc\/apt\/docker-clean\.dockerfile-slim \/etc\/apt\/apt\.conf\.d\/docker-clean 2>\/dev\/null \|\| true; \}\n$/,
  );
  assert.match(alt.title, /^Use cache mounts for apt, docker-clean set aside/);
  const exec = lintDetailed('FROM debian:bookworm\nRUN ["sh", "-c", "apt-get update && apt-get install -y --no-install-recommends curl"]\n').find(
    (f) => f.rule === 'DS003',
  );
  assert.ok(exec && !exec.alternatives?.length, 'exec form: the file cannot be set aside, so no mount (it would stay empty)');
});

test('a mount that already holds the cache silences every cache rule (one RUN per manager)', () => {
  const held = [
    'FROM debian:bookworm\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
    'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n',
    'FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n',
    'FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile\n',
    'FROM php:8.3\nRUN --mount=type=cache,id=composer,target=/root/.composer/cache composer install --no-dev\n',
    'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y nginx\n',
    'FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper install -y nginx\n',
    'FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -ldflags="-s -w" -o /app .\n',
  ];
  const CACHE_RULES = new Set(['DS003', 'DS005', 'DS006', 'DS007', 'DS008', 'DS016']);
  for (const text of held) {
    const loud = lint(text).filter((f) => CACHE_RULES.has(f.rule));
    assert.deepEqual(loud, [], `a cache rule fires although a mount holds the cache:\n${text}`);
  }
});
