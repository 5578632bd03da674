/**
 * Issue 25: compilers installed "in case pip needs them" when pip installs only wheels, and the DS014 exemption for
 * build packages named beside --no-install-recommends (only for what DS004's fix would keep).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint } from '../../server/src/engine/index.js';
import { pipMayCompile } from '../../server/src/analysis/package-managers/pip-args.js';

const ds014 = (text: string): ReturnType<typeof lint> => lint(text).filter((f) => f.rule === 'DS014');

test('a wheel (file, URL, $VAR/…whl) compiles nothing; an sdist or a URL to one may', () => {
  assert.equal(pipMayCompile(['pip', 'install', '$MIRROR/greet-1.0-py3-none-any.whl']), false);
  assert.equal(pipMayCompile(['pip', 'install', './dist/app-1.0-py3-none-any.whl']), false);
  assert.equal(pipMayCompile(['pip', 'install', 'https://example.org/app-1.0.tar.gz']), true);
  assert.equal(pipMayCompile(['pip', 'install', './app']), true);
});

test('DS014: build-essential beside python3-pip and --no-install-recommends is reported when pip installs only wheels', () => {
  const wheels =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends python3-pip build-essential python3-dev \\\n' +
    '    && pip install --break-system-packages /tmp/app-1.0-py3-none-any.whl && rm -rf /var/lib/apt/lists/*\nCMD ["app"]\n';
  const found = ds014(wheels);
  assert.equal(found.length, 1);
  assert.match(found[0]?.message ?? '', /Build dependencies build-essential, python3-dev /);
  assert.equal(found[0]?.fix?.safe, true);
  assert.match(fix(wheels).text, /apt-get purge -y --auto-remove build-essential python3-dev\n/);
  // pip may compile an sdist: what DS004's fix keeps for python3-pip is not reported.
  assert.deepEqual(ds014(wheels.replace('/tmp/app-1.0-py3-none-any.whl', '/tmp/app-1.0.tar.gz')), []);
});

test('DS014: libc6-dev beside gcc is part of the toolchain the purge removes (a sibling build package recommends it)', () => {
  const text =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make && make -C /src install && rm -rf /var/lib/apt/lists/*\nCMD ["app"]\n';
  const found = ds014(text);
  assert.match(found[0]?.message ?? '', /gcc, libc6-dev, make/);
  assert.match(found[0]?.fix?.title ?? '', /^Purge gcc, libc6-dev, make with --auto-remove at the end of this RUN, keeping libatomic1, libgomp1$/);
});
