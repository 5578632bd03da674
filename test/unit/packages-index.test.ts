/**
 * Package index: parsing (recorded bookworm excerpt), the compact cache, resolution
 * (alternatives, virtual packages, cycles, recommends) and bad input. No network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CompactIndex, IndexBuilder, IndexLimitError } from '../../common/src/package-index/compact.js';
import { IndexFormatError, parseDebianPackages, parseRelations } from '../../common/src/package-index/deb-parse.js';
import { resolveInstall } from '../../common/src/package-index/resolve.js';
import { minbase } from '../../common/src/package-index/base-set.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

/** Installed-Size (KiB) of every paragraph, read with a regex independent of the parser. */
function sizes(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const para of text.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(para)?.[1];
    const kib = /^Installed-Size: (\d+)$/m.exec(para)?.[1];
    if (name) out.set(name, Number(kib ?? 0));
  }
  return out;
}

test('parseRelations: versions, arch qualifiers, alternatives, restrictions', () => {
  assert.deepEqual(parseRelations('libc6 (>= 2.34), perl:any | foo [amd64] <!nocheck>,  libssl3 (>= 3.0.0)'), [['libc6'], ['perl', 'foo'], ['libssl3']]);
  assert.deepEqual(parseRelations(''), []);
  assert.deepEqual(parseRelations(' , |,'), []);
});

test('the recorded bookworm excerpt parses with sizes, priorities, Essential and Provides', () => {
  const text = fs.readFileSync(EXCERPT, 'utf8');
  const idx = indexOf(text);
  const expected = sizes(text);
  assert.equal(idx.size, expected.size);
  for (const [name, kib] of expected) assert.equal(idx.get(name)?.installedBytes, kib * 1024, name);
  const curl = idx.get('curl');
  assert.ok(curl);
  assert.ok(curl.depends.some((c) => c.includes('libcurl4')));
  assert.ok(curl.recommends.length === 0 || curl.recommends.every((c) => c.length > 0));
  assert.equal(idx.get('dpkg')?.essential, true);
  assert.equal(idx.get('dpkg')?.priority, 'required');
  assert.equal(idx.get('ca-certificates')?.priority, 'standard');
  // mawk provides awk: a virtual name resolves to its provider.
  assert.deepEqual(idx.providers('awk'), ['mawk']);
  assert.equal(idx.get('awk'), undefined);
});

test('curl with and without recommends: ca-certificates is what the flag drops', () => {
  const text = fs.readFileSync(EXCERPT, 'utf8');
  const idx = indexOf(text);
  const base = minbase(idx);
  const kib = sizes(text);
  const withRec = resolveInstall(idx, { packages: ['curl'], recommends: true }, base);
  const without = resolveInstall(idx, { packages: ['curl'], recommends: false }, base);
  const w = new Set(withRec.added.map((p) => p.name));
  const wo = new Set(without.added.map((p) => p.name));
  assert.ok(wo.has('curl') && wo.has('libcurl4'));
  for (const n of wo) assert.ok(w.has(n), `${n} also installed with recommends`);
  assert.ok(w.has('ca-certificates') && !wo.has('ca-certificates'));
  for (const n of [...w, ...wo]) assert.ok(!base.has(n), `${n} is not in the base`);
  assert.equal(
    withRec.bytes,
    [...w].reduce((s, n) => s + (kib.get(n) ?? 0) * 1024, 0),
  );
  assert.ok(withRec.bytes > without.bytes);
  assert.deepEqual(withRec.unknown, []);
  // Biggest first.
  for (let i = 1; i < withRec.added.length; i++) assert.ok((withRec.added[i - 1]?.bytes ?? 0) >= (withRec.added[i]?.bytes ?? 0));
});

const SYNTH = `Package: a
Installed-Size: 100
Depends: b, missing-lib | c
Recommends: r1, never-there

Package: b
Installed-Size: 10
Pre-Depends: a

Package: c
Installed-Size: 20
Depends: mail-transport-agent

Package: d
Installed-Size: 30
Depends: c | b

Package: r1
Installed-Size: 5
Depends: x-terminal-emulator

Package: mta-big
Installed-Size: 900
Priority: optional
Provides: mail-transport-agent

Package: mta-small
Installed-Size: 50
Priority: important
Provides: mail-transport-agent

Package: term
Installed-Size: 7
Provides: x-terminal-emulator (= 1)

Package: base-thing
Installed-Size: 1
Priority: required
Essential: yes
`;

test('resolution: cycles end, first satisfiable alternative, Provides, recommends, unknown names', () => {
  const idx = indexOf(SYNTH);
  const names = (r: { added: { name: string }[] }): string[] => r.added.map((p) => p.name).sort();
  // a ↔ b is a cycle; missing-lib | c takes c; c needs a mail-transport-agent: the important provider.
  assert.deepEqual(names(resolveInstall(idx, { packages: ['a'], recommends: false }, new Set())), ['a', 'b', 'c', 'mta-small']);
  // An installed provider satisfies the virtual name.
  assert.deepEqual(names(resolveInstall(idx, { packages: ['c'], recommends: false }, new Set(['mta-big']))), ['c']);
  // Alternatives: an installed later alternative satisfies the clause.
  assert.deepEqual(names(resolveInstall(idx, { packages: ['d'], recommends: false }, new Set(['b']))), ['d']);
  // Recommends: r1 and its dependency through Provides; an unknown recommend is ignored.
  const rec = resolveInstall(idx, { packages: ['a'], recommends: true }, new Set(['mta-big']));
  assert.deepEqual(names(rec), ['a', 'b', 'c', 'r1', 'term']);
  assert.equal(rec.bytes, (100 + 10 + 20 + 5 + 7) * 1024);
  // Unknown names and a virtual name with several providers are reported, not guessed.
  const u = resolveInstall(idx, { packages: ['nope', 'mail-transport-agent', 'x-terminal-emulator'], recommends: false }, new Set());
  assert.deepEqual(u.unknown, ['nope', 'mail-transport-agent']);
  assert.deepEqual(names(u), ['term']);
  // Already installed: nothing added.
  assert.equal(resolveInstall(idx, { packages: ['a'], recommends: true }, new Set(['a'])).bytes, 0);
});

test('minbase: Essential and required packages closed over Depends', () => {
  const idx = indexOf(SYNTH);
  assert.deepEqual([...minbase(idx)].sort(), ['base-thing']);
});

test('bad input: HTML, binary, empty, truncated, garbage, huge lines', () => {
  const b = (): IndexBuilder => new IndexBuilder('debian/x');
  assert.throws(() => parseDebianPackages('<!DOCTYPE html><html><body>Login</body></html>\n', b()), IndexFormatError);
  assert.throws(() => parseDebianPackages('Package: a\0\x01\n', b()), IndexFormatError);
  assert.throws(() => parseDebianPackages('', b()), IndexFormatError);
  assert.throws(() => parseDebianPackages('\n\n\n', b()), IndexFormatError);
  assert.throws(() => parseDebianPackages('Package: a\nInstalled-Size: 1\n\nPackage: b\nInstalled-Si', b()), /truncated/);
  assert.throws(() => parseDebianPackages('hello world\nthis is not an index\n', b()), IndexFormatError);
  // A Depends line with thousands of alternatives, and a cycle of 5000 packages: no crash, no hang.
  const many = Array.from({ length: 5000 }, (_, i) => `p${i}`);
  const huge = (extra: string): string =>
    `Package: top\nInstalled-Size: 1\nDepends: ${many.join(' | ')}${extra}\n\n${many.map((p, i) => `Package: ${p}\nInstalled-Size: 1\nDepends: p${(i + 1) % 5000}\n`).join('\n')}`;
  // A 2 MB relation field is no real archive's (issue 27: bounded caches): the index is refused.
  assert.throws(() => indexOf(huge(`, ${'z'.repeat(2_000_000)}`)), IndexLimitError);
  const idx = indexOf(huge(''));
  const r = resolveInstall(idx, { packages: ['top', 'p1'], recommends: true }, new Set());
  assert.equal(r.added.length, 5001);
});

test('compact cache: round trip, and a truncated or foreign cache is refused', () => {
  const text = fs.readFileSync(EXCERPT, 'utf8');
  const b = new IndexBuilder('debian/bookworm');
  parseDebianPackages(text, b);
  const cache = b.serialize(123, ['u']);
  const idx = new CompactIndex(cache);
  assert.equal(idx.fetchedAt, 123);
  assert.equal(idx.release, 'debian/bookworm');
  assert.deepEqual([...idx.names()].sort(), [...sizes(text).keys()].sort());
  assert.throws(() => new CompactIndex(cache.slice(0, cache.length - 200)), /truncated|corrupt/);
  assert.throws(() => new CompactIndex(cache.slice(0, cache.length / 2)), /truncated|corrupt/);
  assert.throws(() => new CompactIndex('{"format":"x"}'), /not a/);
  assert.throws(() => new CompactIndex(''), /not a/);
});
