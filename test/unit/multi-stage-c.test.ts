/**
 * DS010's C/C++ conversion: DESTDIR staging onto the builder's Debian slim, `-dev` packages replaced by their runtime
 * libraries (index, else the tables), real configure/make shapes (pipes into tar and checksum tools, `$(nproc)`, ARG
 * lists), commands after `make install` moved to the runtime stage, and every refusal (no crash, no conversion).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fix, lint, lintDetailed } from '../../server/src/engine/index.js';
import type { PackageLookup } from '../../common/src/package-index/types.js';
import { fixturesDir } from '../helpers/paths.js';
import { convert, ds010, leftToOthers, noFix } from './multi-stage-helpers.js';
import { indexOf } from './packages-fixtures.js';

test('C/C++: DESTDIR staging, Debian slim runtime, runtime packages installed again', () => {
  const cm =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake ca-certificates && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN cmake -S . -B build && cmake --build build && cmake --install build\nCMD ["hello"]\n';
  assert.equal(ds010(cm)?.title, 'Convert to multi-stage build (C/C++ → debian:bookworm-slim, DESTDIR=/out tree copied)');
  const out = convert(cm);
  assert.match(out, /&& DESTDIR=\/out cmake --install build\n/);
  assert.match(
    out,
    /FROM debian:bookworm-slim\nWORKDIR \/src\nRUN apt-get update \\\n {4}&& apt-get install -y --no-install-recommends ca-certificates libatomic1 libgomp1 \\\n {4}&& rm -rf \/var\/lib\/apt\/lists\/\*\nCOPY --from=builder \/out\/ \/\nRUN ldconfig\nCMD \["hello"\]\n$/,
  );
  const mk = convert('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN ./configure && make && make install && ldconfig\nCMD ["app"]\n');
  assert.match(mk, /make DESTDIR=\/out install && ldconfig\n[^]*FROM debian:bookworm-slim\n[^]*COPY --from=builder \/out\/ \/\nRUN ldconfig\n/);
  assert.match(
    convert(
      'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y gcc make\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["/usr/local/bin/app"]\n',
    ),
    /FROM ubuntu:22\.04\n/,
  );
});

test('C/C++: -dev packages become their runtime libraries, gcc runtime libs and the CA store beside a TLS library', () => {
  const out = convert(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential libssl-dev libcurl4-openssl-dev\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n',
  );
  assert.match(out, /apt-get install -y --no-install-recommends libssl3 libcurl4 libatomic1 libgomp1 ca-certificates \\\n/);
  assert.match(out, /COPY --from=builder \/out\/ \/\nRUN ldconfig\nCMD \["app"\]\n$/);
  // No TLS library: no CA store added.
  assert.doesNotMatch(
    convert(
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc make zlib1g-dev\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n',
    ),
    /ca-certificates/,
  );
  // A package list in an ARG is its words (as the shell splits an unquoted `$BUILD_DEPS`): detected and converted.
  const args = convert(
    'FROM debian:bookworm\nARG BUILD_DEPS="build-essential libssl-dev"\nRUN apt-get update && apt-get install -y $BUILD_DEPS\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n',
  );
  assert.match(args, /--no-install-recommends libssl3 libatomic1 libgomp1 ca-certificates \\\n/);
  // A -dev package the release's table lacks: the cached index tells (the lint options' packages, as fix-all and `fix` pass them).
  const bullseye =
    'FROM debian:bullseye\nRUN apt-get update && apt-get install -y build-essential libpcap0.8-dev\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n';
  leftToOthers(bullseye, 'libpcap0.8-dev is not in the bullseye table, and no index');
  const idx = indexOf(fs.readFileSync(path.join(fixturesDir, 'packages', 'bookworm-dev-excerpt.Packages'), 'utf8'), 'debian/bullseye');
  const packages: PackageLookup = { version: 1, lookup: (b) => (b.release === 'debian/bullseye' ? idx : undefined) };
  const viaIndex = fix(bullseye, { unsafe: true, only: ['DS010'], packages });
  assert.deepEqual(viaIndex.applied, ['DS010']);
  assert.match(viaIndex.text, /FROM debian:bullseye-slim\n[^]*--no-install-recommends libpcap0\.8 libatomic1 libgomp1 \\\n/);
  // The index decides over the table: a -dev package it knows maps to what its Depends reach.
  leftToOthers(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential libunknownthing-dev\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n',
    'a -dev package neither the index nor the table knows',
  );
});

test('C/C++: real configure/make shapes — a download piped into tar, a checksum piped into sha256sum, make -j"$(nproc)"', () => {
  const text = [
    'FROM debian:bookworm',
    'ARG V=2.10',
    'RUN set -eux; apt-get update && apt-get install -y build-essential curl \\',
    '    && curl -fsSL "https://example.org/hello-$V.tar.gz" | tar -xz -C /tmp \\',
    '    && echo "abc  /tmp/x" | sha256sum -c - \\',
    '    && cd /tmp/hello-$V && ./configure --prefix=/usr/local && make -j"$(nproc)" && make install \\',
    '    && cd / && rm -rf /tmp/hello-$V',
    'CMD ["hello"]',
    '',
  ].join('\n');
  const out = convert(text);
  assert.match(out, /make -j"\$\(nproc\)" && make DESTDIR=\/out install \\\n {4}&& cd \/ && rm -rf \/tmp\/hello-\$V\n/);
  assert.match(out, /FROM debian:bookworm-slim\nARG V=2\.10\n/);
  // Other pipes and substitutions stay out of reach.
  leftToOthers(text.replace('| tar -xz -C /tmp', '| sh'), 'a download piped into a shell');
  leftToOthers(text.replace('make -j"$(nproc)"', 'make -j"$(cat /jobs)"'), 'a substitution that reads a file');
  leftToOthers(text.replace('make install', 'echo y | make install'), 'a pipeline into make');
});

test('C/C++: commands after make install that use the installed files move to the runtime stage', () => {
  const text =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nWORKDIR /src\nCOPY . .\n# build and link\nRUN ./configure --prefix=/opt/hello && make && make install \\\n    && ln -s /opt/hello/bin/hello /usr/local/bin/hello && hello --version \\\n    && cd / && rm -rf /src/build\nCMD ["hello"]\n';
  const fixed = fix(text, { unsafe: true, only: ['DS010'] });
  assert.match(fixed.text, /make DESTDIR=\/out install \\\n {4}&& cd \/ && rm -rf \/src\/build\n/);
  assert.match(
    fixed.text,
    /COPY --from=builder \/out\/ \/\nRUN ldconfig\nRUN ln -s \/opt\/hello\/bin\/hello \/usr\/local\/bin\/hello && hello --version\nCMD \["hello"\]\n$/,
  );
  const f = lintDetailed(text).find((d) => d.rule === 'DS010');
  assert.equal(f?.fixDetail?.unsafeReason, 'the commands after the install run in the runtime stage');
  // A later RUN of only such commands moves whole, with its comment.
  const whole = convert(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc make\nWORKDIR /s\nCOPY . .\nRUN ./configure && make && make install\n# link it\nRUN ln -s /usr/local/bin/app /usr/bin/app\nCMD ["app"]\n',
  );
  assert.match(whole, /RUN ldconfig\n# link it\nRUN ln -s \/usr\/local\/bin\/app \/usr\/bin\/app\nCMD \["app"\]\n$/);
  assert.doesNotMatch(whole.slice(0, whole.indexOf('# Runtime stage')), /ln -s/);
  // chmod's mode and an absolute path: moved.
  assert.match(
    fix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install && chmod 755 /usr/local/bin/app && touch /var/log/app.log\nCMD ["app"]\n', {
      unsafe: true,
      only: ['DS010'],
    }).text,
    /RUN make && make DESTDIR=\/out install\n[^]*RUN ldconfig\nRUN chmod 755 \/usr\/local\/bin\/app && touch \/var\/log\/app\.log\nCMD/,
  );
  // Two moved commands apart in one RUN: two cuts, one runtime RUN.
  assert.match(
    fix(
      'FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && ln -s /usr/local/bin/app /usr/bin/app && rm -rf /s/obj && mkdir -p /var/lib/app && cd /\nCMD ["app"]\n',
      {
        unsafe: true,
        only: ['DS010'],
      },
    ).text,
    /RUN make DESTDIR=\/out install && rm -rf \/s\/obj && cd \/\n[^]*RUN ldconfig\nRUN ln -s \/usr\/local\/bin\/app \/usr\/bin\/app && mkdir -p \/var\/lib\/app\nCMD/,
  );
  // A symbolic link's target is only text: a relative one moves too.
  assert.match(
    fix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && ln -s ../local/bin/app /usr/bin/app\nCMD ["app"]\n', { unsafe: true, only: ['DS010'] }).text,
    /RUN ldconfig\nRUN ln -s \.\.\/local\/bin\/app \/usr\/bin\/app\nCMD/,
  );
  // The first command of a later RUN moves, the clean-up after it stays: the cut takes the operator after it.
  assert.match(
    fix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\nRUN ln -s /usr/local/bin/app /usr/bin/app && rm -rf /s/build\nCMD ["app"]\n', {
      unsafe: true,
      only: ['DS010'],
    }).text,
    /RUN make && make DESTDIR=\/out install\nRUN rm -rf \/s\/build\n[^]*RUN ldconfig\nRUN ln -s \/usr\/local\/bin\/app \/usr\/bin\/app\nCMD/,
  );
  // A hand-written Makefile may ignore DESTDIR: the fix says so.
  const plain = lintDetailed('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n').find((d) => d.rule === 'DS010');
  assert.match(plain?.fixDetail?.unsafeReason ?? '', /Makefile must honour DESTDIR/);
});

test('C/C++: users made before the build and ldconfig run in the builder do not stop the conversion', () => {
  const out = convert('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN useradd -r app && ldconfig && make && make install\nUSER app\nCMD ["app"]\n');
  assert.match(out, /COPY --from=builder \/etc\/passwd \/etc\/group \/etc\/\nUSER app\nCMD \["app"\]\n$/);
});

test('C/C++: no conversion for C++ on the gcc image, a build or unknown command after the install, source-tree launchers', () => {
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN g++ -o app main.cpp && make install\nCMD ["app"]\n', 'C++ on the gcc image');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && app --selftest ./tests\nCMD ["app"]\n', 'runs an installed file on the source tree');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && make check\nCMD ["app"]\n', 'builds after the install');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && rm /usr/local/lib/libapp.la\nCMD ["app"]\n', 'rm without -f of an installed file');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make install && cp app.conf /etc/\nCMD ["app"]\n', 'copies from the source tree');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["./build/app"]\n', 'launcher in the source tree');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install && mkdir data\nCMD ["app"]\n', 'a relative path after the install');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install && chmod 755 app\nCMD ["app"]\n', 'chmod of a source-tree file');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make\nCMD ["app"]\n', 'nothing installed: nothing to stage');
  noFix('FROM gcc\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n', 'no runtime image for an untagged gcc');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN apt-get install -y $EXTRA && make && make install\nCMD ["app"]\n', 'a package list nobody knows');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN ["make", "install"]\nCMD ["app"]\n', 'an exec-form RUN');
  // The builder's upgraded libc could be newer than the runtime's: what it links might not load there.
  leftToOthers(
    'FROM debian:bookworm\nRUN apt-get update && apt-get upgrade -y && apt-get install -y gcc make\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD ["app"]\n',
    'apt-get upgrade in the builder',
  );
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\nHEALTHCHECK CMD curl -f http://localhost/\nCMD ["app"]\n', 'a probe the runtime lacks');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN ./gen-config.sh && make && make install\nCMD ["app"]\n', 'a script of the source tree before the build');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install && ln build/app /usr/bin/app\nCMD ["app"]\n', 'a hard link to a source-tree file');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\n', 'no CMD or ENTRYPOINT: what runs is unknown');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install\nCMD app --port $PORT\n', 'a launcher with shell syntax');
  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install && app --version > /s/version.txt\nCMD ["app"]\n', 'output written into the source tree');
  noFix(
    'FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make install \\\n# link it\n && ln -s /usr/local/bin/app /usr/bin/app\nCMD ["app"]\n',
    'a comment inside the cut',
  );

  noFix('FROM gcc:13\nWORKDIR /s\nCOPY . .\nRUN make && make DESTDIR=/pkg install\nCMD ["app"]\n', 'DESTDIR already set');
  noFix(
    'FROM gcc:13\nWORKDIR /s\nCOPY . .\nUSER nobody\nRUN make && make install && ln -s /usr/local/bin/app /usr/bin/app\nCMD ["app"]\n',
    'moved commands under USER',
  );
  assert.ok(
    !lint('FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\nCMD ["bash"]\n').some((f) => f.rule === 'DS010'),
    'no source build: not DS010',
  );
});
