/**
 * DS014's purge fix keeps the run-time half of every `-dev` package (runtime-libs.ts): from a real index excerpt
 * (bookworm paragraphs recorded with `apt-cache show` on a bookworm host, December 2026) and from the reviewed table,
 * which must agree with the index wherever both know a package. The generated tables of the other releases
 * (runtime-libs-tables.ts) agree with the walk over excerpts of those releases' real Packages indexes, recorded by
 * `node scripts/runtime-libs-tables.mjs --excerpt RELEASE NAME…` (December 2026), and unlock DS010's C/C++ conversion
 * and DS014's safe purge there without a cached index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gccRuntimeLibs, runtimeLibs, runtimeLibsFromIndex } from '../../server/src/analysis/package-managers/runtime-libs.js';
import { fix, lint } from '../../server/src/engine/index.js';
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
  // Ubuntu focal has no table (and a release id no table will ever have).
  assert.equal(runtimeLibs('libssl-dev', 'ubuntu/focal', undefined), undefined);
  assert.equal(runtimeLibs('libssl-dev', 'alpine/v3.20', undefined), undefined);
  assert.equal(runtimeLibs('constructor', 'debian/bullseye', undefined), undefined);
  assert.equal(runtimeLibs('libssl-dev', undefined, undefined), undefined);
  assert.equal(runtimeLibs('libfoo-dev', 'debian/bookworm', index), undefined);
});

test("gcc's runtime libraries are kept when a GCC compiler is purged on Debian or Ubuntu, never elsewhere", () => {
  assert.deepEqual(gccRuntimeLibs(['build-essential', 'libssl-dev'], 'debian/bookworm'), ['libatomic1', 'libgomp1']);
  assert.deepEqual(gccRuntimeLibs(['g++-12'], 'ubuntu/jammy'), ['libatomic1', 'libgomp1']);
  assert.deepEqual(gccRuntimeLibs(['make', 'libssl-dev'], 'debian/bookworm'), []);
  assert.deepEqual(gccRuntimeLibs(['gcc'], undefined), []);
});

/** Each release's excerpt and what its table must say (also what the walk over the excerpt says). */
const RELEASES: Record<string, { file: string; expect: Record<string, string[]> }> = {
  'debian/bullseye': {
    file: 'bullseye-dev-excerpt.Packages',
    expect: {
      'libssl-dev': ['libssl1.1'],
      'libncurses5-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
      'libncursesw5-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
      'zlib1g-dev': ['zlib1g'],
    },
  },
  'debian/trixie': {
    file: 'trixie-dev-excerpt.Packages',
    expect: {
      'libssl-dev': ['libssl3t64'],
      'libpq-dev': ['libpq5', 'libssl3t64'],
      'libncurses-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
      'zlib1g-dev': ['zlib1g'],
    },
  },
  'ubuntu/jammy': {
    file: 'jammy-dev-excerpt.Packages',
    expect: {
      'libssl-dev': ['libssl3'],
      'libpq-dev': ['libpq5', 'libssl3'],
      'libjpeg-dev': ['libjpeg-turbo8', 'libjpeg8'],
      'libncurses-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
    },
  },
  'ubuntu/noble': {
    file: 'noble-dev-excerpt.Packages',
    expect: {
      'libssl-dev': ['libssl3t64'],
      'libffi-dev': ['libffi8'],
      'libncurses-dev': ['libncurses6', 'libncursesw6', 'libtinfo6'],
      'zlib1g-dev': ['zlib1g'],
    },
  },
};

test('the generated tables of bullseye, trixie, jammy and noble agree with the walk over their real indexes', () => {
  for (const [release, { file, expect }] of Object.entries(RELEASES)) {
    const idx = indexOf(fs.readFileSync(path.join(fixturesDir, 'packages', file), 'utf8'), release);
    for (const [dev, libs] of Object.entries(expect)) {
      assert.deepEqual(runtimeLibsFromIndex(dev, idx), libs, `${release} ${dev}: the walk over the excerpt`);
      assert.deepEqual(runtimeLibs(dev, release, undefined), libs, `${release} ${dev}: the table`);
      assert.deepEqual(runtimeLibs(dev, release, idx), libs, `${release} ${dev}: with the index`);
    }
    // Every -dev package of the excerpt the table knows: the same answer as the walk.
    for (const name of idx.names()) {
      const table = runtimeLibs(name, release, undefined);
      if (/-dev$/.test(name) && table) assert.deepEqual([...table], runtimeLibsFromIndex(name, idx), `${release} ${name}`);
    }
  }
  // The index still decides over the table: an index that knows the name answers from its own Depends.
  const other = indexOf('Package: libssl-dev\nDepends: libssl9\n\nPackage: libssl9\n', 'debian/bullseye');
  assert.deepEqual(runtimeLibs('libssl-dev', 'debian/bullseye', other), ['libssl9']);
});

test('with the bullseye table, DS010 converts a C build with libncurses5-dev (corpus 0095) without an index', () => {
  const text = [
    'FROM debian:bullseye-slim',
    'LABEL maintainer "Jessie Frazelle <jess@linux.com>"',
    '',
    'RUN apt-get update && apt-get install -y \\',
    '\tca-certificates \\',
    '\tgcc \\',
    '\tgit \\',
    '\tlibncurses5 \\',
    '\tlibncurses5-dev \\',
    '\tlibncursesw5 \\',
    '\tlibncursesw5-dev \\',
    '\tmake \\',
    '\t--no-install-recommends \\',
    '\t&& rm -rf /var/lib/apt/lists/*',
    '',
    'RUN git clone --depth 1 --recursive https://github.com/visit1985/mdp.git /src',
    'WORKDIR /src',
    'ENV TERM\txterm-256color',
    'RUN make \\',
    '\t&& make install',
    'ENTRYPOINT [ "/usr/local/bin/mdp" ]',
    '',
  ].join('\n');
  const out = fix(text, { unsafe: true, only: ['DS010'] });
  assert.deepEqual(out.applied, ['DS010']);
  assert.ok(!lint(out.text).some((f) => f.rule === 'DS010'), out.text);
  assert.equal(fix(out.text, { unsafe: true, only: ['DS010'] }).text, out.text, 'converting twice changes nothing');
  assert.match(out.text, /^FROM debian:bullseye-slim AS builder\n/);
  assert.match(out.text, /\tlibncursesw5-dev \\\n[^]*\t&& make DESTDIR=\/out install\n/);
  // The runtime stage installs the libraries the -dev packages stand for, by their bullseye names.
  assert.match(
    out.text,
    /\nFROM debian:bullseye-slim\n[^]*apt-get install -y --no-install-recommends ca-certificates libncurses5 libncurses6 libncursesw6 libtinfo6 libncursesw5 libatomic1 libgomp1 \\\n[^]*COPY --from=builder \/out\/ \/\nRUN ldconfig\n/,
  );
  // A -dev package bullseye does not have (nor the table): no conversion.
  assert.ok(!lint(text.replace('libncurses5-dev', 'libunknownthing-dev')).find((f) => f.rule === 'DS010')?.fix);
});

test("with the jammy table, DS014's purge fix keeps libssl3 (and libpq-dev's libpq5) and is safe without an index", () => {
  const text = 'FROM ubuntu:22.04\nRUN apt-get install -y --no-install-recommends libssl-dev libpq-dev && make && apt-get purge -y libssl-dev libpq-dev\n';
  const f = lint(text).find((x) => x.rule === 'DS014');
  assert.equal(f?.fix?.safe, true, f?.fix?.title);
  assert.match(f?.fix?.title ?? '', /keeping libpq5, libssl3$/);
  assert.match(fix(text).text, /&& make && apt-mark manual libpq5 libssl3 && apt-get purge --auto-remove -y libssl-dev libpq-dev\n/);
  // Noble names the t64 library; focal has no table: the fix stays unsafe there.
  assert.match(fix(text.replace('22.04', '24.04')).text, /apt-mark manual libpq5 libssl3t64 &&/);
  assert.equal(lint(text.replace('22.04', '20.04')).find((x) => x.rule === 'DS014')?.fix?.safe, false);
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
  assert.equal(runtimeLibs('libedit-dev', 'ubuntu/focal', alt), undefined); // no table for focal
});
