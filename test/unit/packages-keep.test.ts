/**
 * DS004 keeps what the stage needs from facts (issue 25 item 1): package lists in ARG/ENV are split as the
 * shell splits them, the index's Recommends closure decides over the reviewed table, ca-certificates stays
 * whenever the stage or the image may talk TLS and the flag would drop it, and compilers for pip stay only
 * when pip may compile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint } from '../../server/src/engine/index.js';
import type { PackageLookup } from '../../common/src/package-index/types.js';
import { indexOf } from './packages-fixtures.js';

const ds004 = (text: string, packages?: PackageLookup): { title: string; safe: boolean } | undefined => {
  const f = lint(text, { dockerignoreExists: true, packages }).find((x) => x.rule === 'DS004');
  return f?.fix && { title: f.fix.title, safe: f.fix.safe };
};

test('an ARG package list is two packages: curl is seen, ca-certificates kept, the fix is safe', () => {
  const text =
    'FROM debian:bookworm\nARG DANTE_DEPS="build-essential curl"\nRUN apt-get update && apt-get install -y $DANTE_DEPS && rm -rf /var/lib/apt/lists/*\n';
  const f = ds004(text);
  assert.equal(f?.safe, true);
  assert.match(f?.title ?? '', /keep ca-certificates/);
  assert.match(fix(text).text, /install --no-install-recommends -y \$DANTE_DEPS ca-certificates &&/);
  // ENV too, and `${VAR}`; a quoted "$VAR" is one word (one package named "build-essential curl"), judged unsure.
  assert.match(ds004(text.replace('ARG', 'ENV').replace('$DANTE_DEPS', '${DANTE_DEPS}'))?.title ?? '', /keep ca-certificates/);
  assert.equal(ds004(text.replace('$DANTE_DEPS', '"$DANTE_DEPS"'))?.safe, false);
  // An ARG without a value: the packages are unknown, the fix unsafe.
  assert.equal(ds004(text.replace('="build-essential curl"', ''))?.safe, false);
});

test('a language runtime in the image keeps ca-certificates when the flag would drop it (python3 → python3.11 Recommends ca-certificates)', () => {
  const run = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*\n';
  assert.match(ds004(`${run}CMD ["python3", "app.py"]\n`)?.title ?? '', /keep ca-certificates/);
  assert.match(ds004(`${run}RUN python3 -m pip install --break-system-packages flask\n`)?.title ?? '', /keep ca-certificates/);
  // The runtime alone: the image may fetch https when it runs.
  assert.match(ds004(run)?.title ?? '', /keep ca-certificates/);
  // jq recommends nothing that talks TLS: nothing kept even in a stage that downloads.
  assert.doesNotMatch(ds004(`${run.replace('python3', 'jq')}RUN curl -fsS https://example.com/\n`)?.title ?? '', /ca-certificates/);
});

/** A recorded-shape index where a package unknown to the table reaches ca-certificates only through a dependency's Recommends. */
const SYNTHETIC = [
  ['libc6', '', ''],
  ['fooclient', 'libfoo', ''],
  ['libfoo', 'libc6', 'ca-certificates, foo-doc'],
  ['ca-certificates', 'openssl', ''],
  ['openssl', 'libc6', ''],
  ['foo-doc', '', ''],
]
  .map(
    ([name, dep, rec]) =>
      `Package: ${name}\nVersion: 1\nInstalled-Size: 500\nPriority: ${name === 'libc6' ? 'required' : 'optional'}\nDepends: ${dep}\nRecommends: ${rec}\n`,
  )
  .join('\n');

test('with an index, the keep comes from the Recommends closure, not the table', () => {
  const idx = indexOf(SYNTHETIC);
  const packages: PackageLookup = { version: 1, lookup: (b) => (b.release === 'debian/bookworm' ? idx : undefined) };
  const text =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y fooclient && rm -rf /var/lib/apt/lists/*\nCMD ["fooclient", "https://example.com/"]\n';
  assert.equal(ds004(text)?.safe, false, 'the table does not know fooclient');
  const f = ds004(text, packages);
  assert.equal(f?.safe, true);
  assert.match(f?.title ?? '', /keep ca-certificates/);
  // No TLS anywhere and no runtime: the closure's ca-certificates is not needed.
  assert.doesNotMatch(ds004(text.replace('"https://example.com/"', '"--help"'), packages)?.title ?? '', /ca-certificates/);
});

test('compilers for pip only when pip may compile; otherwise the title says so', () => {
  const base = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*\n';
  const wheels = ds004(`${base}RUN pip install --no-cache-dir --break-system-packages flask==3.0.0 requests\n`);
  assert.equal(wheels?.safe, true);
  assert.doesNotMatch(wheels?.title ?? '', /build-essential|python3-dev/);
  assert.match(wheels?.title ?? '', /no compiler kept: pip installs wheels here/);
  for (const line of [
    'pip install --no-cache-dir -r requirements.txt',
    'pip install --no-cache-dir --no-binary :all: lxml',
    'pip install --no-cache-dir ./src',
    'pip install --no-cache-dir https://example.com/pkg-1.0.tar.gz',
    'pip install --no-cache-dir -e .',
  ]) {
    assert.match(ds004(`${base}RUN ${line}\n`)?.title ?? '', /keep build-essential python3-dev/, line);
  }
  assert.doesNotMatch(ds004(`${base}RUN pip install --only-binary :all: -r requirements.txt\n`)?.title ?? '', /build-essential/);
});
