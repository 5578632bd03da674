/** Focused cases for the package-manager cache rules (DS004, DS006, DS007, DS008). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint } from '../../server/src/engine/index.js';

const ids = (text: string, rule: string): number[] =>
  lint(text)
    .filter((f) => f.rule === rule)
    .map((f) => f.line);

test('DS006: PIP_NO_CACHE_DIR counts when pip can see it, with any value pip accepts', () => {
  for (const v of ['1', 'true', '0', 'false', 'off']) {
    assert.deepEqual(ids(`FROM python\nENV PIP_NO_CACHE_DIR=${v}\nRUN pip install x\n`, 'DS006'), [], `ENV ${v}`);
    assert.deepEqual(ids(`FROM python\nRUN export PIP_NO_CACHE_DIR=${v} && pip install x\n`, 'DS006'), [], `export ${v}`);
  }
  // A typo pip would reject, a plain (unexported) shell variable, and a variable on another command.
  assert.deepEqual(ids('FROM python\nENV PIP_NO_CACHE_DIR=nope\nRUN pip install x\n', 'DS006'), [3]);
  assert.deepEqual(ids('FROM python\nRUN PIP_NO_CACHE_DIR=1; pip install x\n', 'DS006'), [2]);
  assert.deepEqual(ids('FROM python\nRUN (export PIP_NO_CACHE_DIR=1) && pip install x\n', 'DS006'), [2]);
  // Inherited through FROM <stage>, but not from an unrelated stage.
  assert.deepEqual(ids('FROM python AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install x\n', 'DS006'), []);
  assert.deepEqual(ids('FROM python AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python\nRUN pip install x\n', 'DS006'), [4]);
});

test('DS006: python -m pip is recognised, other modules and tools are not', () => {
  assert.deepEqual(ids('FROM python\nRUN python3.12 -m pip install x\n', 'DS006'), [2]);
  assert.deepEqual(ids('FROM python\nRUN python -m venv /v && pipx install y && pip-compile\n', 'DS006'), []);
  assert.equal(fix('FROM python\nRUN python -m pip install -U pip\n').text, 'FROM python\nRUN python -m pip install --no-cache-dir -U pip\n');
});

test('DS007: the cleanup must follow the last install of the same manager', () => {
  assert.deepEqual(ids('FROM fedora\nRUN dnf clean all && dnf install -y x\n', 'DS007'), [2]);
  assert.deepEqual(ids('FROM fedora\nRUN dnf install -y x && rm -rf /var/cache/dnf/* && dnf install -y y\n', 'DS007'), [2]);
  assert.deepEqual(ids('FROM fedora\nRUN dnf install -y x && rm -rf /var/cache/dnf/*\n', 'DS007'), []);
  // A yum clean does not clean zypper's cache: both managers get their own cleanup appended, once.
  const once = fix('FROM opensuse\nRUN yum install -y a && zypper in -y b\n').text;
  assert.equal(once, 'FROM opensuse\nRUN yum install -y a && zypper in -y b && yum clean all && zypper clean --all\n');
  assert.equal(fix(once).text, once);
});

test('DS007: no fix inside a conditional branch, where the manager may be missing', () => {
  const text = 'FROM x\nRUN if command -v dnf; then dnf install -y git; else apk add git; fi\n';
  const f = lint(text).find((x) => x.rule === 'DS007');
  assert.ok(f, 'still reported');
  assert.equal(f.fix, undefined);
});

test('DS008: pnpm is not flagged; yarn fix is unsafe when Yarn 2+ is likely', () => {
  assert.deepEqual(ids('FROM node\nRUN pnpm install --frozen-lockfile\n', 'DS008'), []);
  const berry = lint('FROM node\nCOPY .yarnrc.yml package.json yarn.lock ./\nRUN yarn install\n').find((x) => x.rule === 'DS008');
  assert.equal(berry?.fix?.safe, false);
  const classic = lint('FROM node\nCOPY package.json yarn.lock ./\nRUN yarn install\n').find((x) => x.rule === 'DS008');
  assert.equal(classic?.fix?.safe, true);
  // The unsafe fix is not applied by a plain fix run.
  assert.equal(fix('FROM node\nCOPY . .\nRUN yarn install\n', { only: ['DS008'] }).text, 'FROM node\nCOPY . .\nRUN yarn install\n');
});

test('DS004: recommends turned off by apt.conf in an ancestor stage, or by -o, are respected', () => {
  const conf = `RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norec\n`;
  assert.deepEqual(ids(`FROM debian AS base\n${conf}FROM base\nRUN apt-get install -y curl\n`, 'DS004'), []);
  assert.deepEqual(ids(`FROM debian AS base\n${conf}FROM debian\nRUN apt-get install -y curl\n`, 'DS004'), [4]);
  assert.deepEqual(ids('FROM debian\nRUN apt-get -oAPT::Install-Recommends=0 install -y curl\n', 'DS004'), []);
  assert.deepEqual(ids('FROM debian\nRUN apt-get -o APT::Install-Recommends=true install -y curl\n', 'DS004'), [2]);
});
