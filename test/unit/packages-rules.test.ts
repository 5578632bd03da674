/** DS004 and DS014 with a loaded package index (recorded bookworm excerpt) and without one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fix, lint } from '../../server/src/engine/index.js';
import type { PackageLookup } from '../../common/src/package-index/types.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

const idx = indexOf(fs.readFileSync(EXCERPT, 'utf8'));
const packages: PackageLookup = { version: 1, lookup: (b) => (b.release === 'debian/bookworm' ? idx : undefined) };

test('DS004: with an index the message and the fix title carry the saving; without one they do not', () => {
  const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y libpsl5 && rm -rf /var/lib/apt/lists/*\n';
  const withIdx = lint(text, { packages }).find((f) => f.rule === 'DS004');
  assert.ok(withIdx);
  assert.match(withIdx.message, /here the flag saves ≈[\d.]+ (kB|MB) and drops 1 package \(publicsuffix\)/);
  assert.match(withIdx.fix?.title ?? '', /^Add `--no-install-recommends` \(≈[\d.]+ (kB|MB), 1 package\)$/);
  // The real Recommends data decides: libpsl5 is not in the reviewed table, so without the index the fix is unsafe.
  assert.equal(withIdx.fix?.safe, true);
  const plain = lint(text).find((f) => f.rule === 'DS004');
  assert.ok(plain);
  assert.match(plain.message, /often tens of MB/);
  assert.doesNotMatch(plain.fix?.title ?? '', /≈/);
  assert.equal(plain.fix?.safe, false);
  // Nothing recommended to drop: no numbers claimed.
  const none = lint(text.replace('libpsl5', 'libssl3'), { packages }).find((f) => f.rule === 'DS004');
  assert.match(none?.message ?? '', /adds no recommended packages/);
  // An unknown release: no sizes.
  const other = lint(text.replace('debian:bookworm', 'ubuntu:24.04'), { packages }).find((f) => f.rule === 'DS004');
  assert.match(other?.message ?? '', /often tens of MB/);
});

test('DS004: curl keeps ca-certificates (real Recommends data), and the saving accounts for it', () => {
  const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n';
  const f = lint(text, { packages }).find((x) => x.rule === 'DS004');
  assert.match(f?.fix?.title ?? '', /keep ca-certificates/);
  // The message says what is kept, in the title's words, and never counts it as dropped.
  assert.match(f?.message ?? '', /here the flag, keeping ca-certificates, saves ≈/);
  assert.doesNotMatch((f?.message ?? '').replace('keeping ca-certificates', ''), /ca-certificates/);
});

test('DS014: apt-get remove without --auto-remove names what stays, with an index', () => {
  const text = 'FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends curl && make && apt-get remove -y curl\n';
  // curl is not a build package: nothing to say.
  assert.deepEqual(
    lint(text, { packages }).filter((f) => f.rule === 'DS014'),
    [],
  );
  const gcc = 'FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends libssl-dev && make && apt-get purge -y libssl-dev\n';
  const plain = lint(gcc).filter((f) => f.rule === 'DS014');
  assert.equal(plain.length, 1);
  assert.match(plain[0]?.message ?? '', /without `--auto-remove` removes only the named packages/);
  // The runtime half of libssl-dev is known (libssl3): marked manual first, the auto-remove is safe.
  assert.equal(plain[0]?.fix?.safe, true);
  assert.match(plain[0]?.fix?.title ?? '', /keeping libssl3$/);
  assert.match(fix(gcc).text, /&& make && apt-mark manual libssl3 && apt-get purge --auto-remove -y libssl-dev\n/);
  // A -dev package whose libraries nobody knows: still unsafe, and it says why.
  const unknown = lint(gcc.replaceAll('libssl-dev', 'libfoo-dev')).filter((f) => f.rule === 'DS014');
  assert.equal(unknown[0]?.fix?.safe, false);
  assert.deepEqual(
    lint(gcc.replace('purge -y', 'purge -y --auto-remove')).filter((f) => f.rule === 'DS014'),
    [],
  );
  assert.deepEqual(
    lint(gcc.replace('libssl-dev\n', 'libssl-dev && apt-get autoremove -y\n')).filter((f) => f.rule === 'DS014'),
    [],
  );
});
