/**
 * DS014's purge fix keeps the run-time half of every `-dev` package (runtime-libs.ts): from a real index excerpt
 * (bookworm paragraphs recorded with `apt-cache show` on a bookworm host, December 2026) and from the reviewed table,
 * which must agree with the index wherever both know a package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gccRuntimeLibs, runtimeLibs } from '../../server/src/analysis/package-managers/runtime-libs.js';
import { fixturesDir } from '../helpers/paths.js';
import { indexOf } from './packages-fixtures.js';

const index = indexOf(fs.readFileSync(path.join(fixturesDir, 'packages', 'bookworm-dev-excerpt.Packages'), 'utf8'));

test('runtime libraries from the index: direct, and through another -dev package', () => {
  assert.deepEqual(runtimeLibs('libssl-dev', 'debian/bookworm', index), ['libssl3']);
  assert.deepEqual(runtimeLibs('libcurl4-openssl-dev', 'debian/bookworm', index), ['libcurl4']);
  // libjpeg-dev → libjpeg62-turbo-dev → libjpeg62-turbo; libpcap-dev → libpcap0.8-dev → libpcap0.8.
  assert.deepEqual(runtimeLibs('libjpeg-dev', 'debian/bookworm', index), ['libjpeg62-turbo']);
  assert.deepEqual(runtimeLibs('libpcap-dev', 'debian/bookworm', index), ['libpcap0.8']);
});

test('the reviewed table agrees with the index, and says nothing for other releases or unknown packages', () => {
  for (const dev of ['libssl-dev', 'libcurl4-openssl-dev', 'libjpeg-dev', 'libpcap-dev', 'zlib1g-dev']) {
    assert.deepEqual([...(runtimeLibs(dev, 'debian/bookworm', undefined) ?? ['(missing)'])].sort(), runtimeLibs(dev, 'debian/bookworm', index), dev);
  }
  assert.equal(runtimeLibs('libssl-dev', 'debian/bullseye', undefined), undefined);
  assert.equal(runtimeLibs('libssl-dev', undefined, undefined), undefined);
  assert.equal(runtimeLibs('libfoo-dev', 'debian/bookworm', index), undefined);
});

test("gcc's runtime libraries are kept when a GCC compiler is purged on Debian or Ubuntu, never elsewhere", () => {
  assert.deepEqual(gccRuntimeLibs(['build-essential', 'libssl-dev'], 'debian/bookworm'), ['libatomic1', 'libgomp1']);
  assert.deepEqual(gccRuntimeLibs(['g++-12'], 'ubuntu/jammy'), ['libatomic1', 'libgomp1']);
  assert.deepEqual(gccRuntimeLibs(['make', 'libssl-dev'], 'debian/bookworm'), []);
  assert.deepEqual(gccRuntimeLibs(['gcc'], undefined), []);
});

/** Real bookworm paragraphs (`apt-cache show`, December 2026): libreadline-dev has info pages, so `dpkg | install-info`. */
const READLINE = [
  ['libreadline-dev', '8.2-1.3', 'libreadline8 (= 8.2-1.3), libncurses-dev, dpkg (>= 1.15.4) | install-info'],
  ['libreadline8', '8.2-1.3', 'readline-common, libc6 (>= 2.33), libtinfo6 (>= 6)'],
  ['libncurses-dev', '6.4-4', 'libtinfo6 (= 6.4-4), libncurses6 (= 6.4-4), libncursesw6 (= 6.4-4), libc6-dev | libc-dev, ncurses-bin (>= 6.0+20151017)'],
  ['libncurses6', '6.4-4', 'libtinfo6 (= 6.4-4), libc6 (>= 2.34)'],
  ['libncursesw6', '6.4-4', 'libtinfo6 (= 6.4-4), libc6 (>= 2.34)'],
  ['libtinfo6', '6.4-4', 'libc6 (>= 2.34)'],
]
  .map(([p, v, d]) => `Package: ${p}\nVersion: ${v}\nInstalled-Size: 100\nArchitecture: amd64\nDepends: ${d}\nPriority: optional\n`)
  .join('\n');

test('an alternative of tools (`dpkg | install-info`) does not hide the libraries; an index that cannot tell leaves it to the table', () => {
  // Found on a real Dockerfile (a Lua build with libreadline-dev): the index answered "unknown" and the conversion was refused.
  const idx = indexOf(READLINE);
  assert.deepEqual(runtimeLibs('libreadline-dev', 'debian/bookworm', idx), ['libncurses6', 'libncursesw6', 'libreadline8', 'libtinfo6']);
  // `libfoo-dev | libbar-dev` with libraries among the choices stays unknown to the index; the reviewed table answers.
  const alt = indexOf(
    ['libedit-dev', 'libedit2', 'libeditx2']
      .map(
        (p) =>
          `Package: ${p}\nVersion: 1\nInstalled-Size: 1\nArchitecture: amd64\nDepends: ${p === 'libedit-dev' ? 'libedit2 | libeditx2' : 'libc6'}\nPriority: optional\n`,
      )
      .join('\n'),
  );
  assert.deepEqual(runtimeLibs('libedit-dev', 'debian/bookworm', alt), ['libedit2']);
  assert.equal(runtimeLibs('libedit-dev', 'debian/bullseye', alt), undefined);
});
