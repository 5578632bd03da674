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
