/** Fix safety (issue 10, spec "Fix safety"): what fix-all must never do. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint, lintDetailed, selectFixes } from '../../server/src/engine/index.js';
import { recommendsToKeep, type StageUsage } from '../../server/src/analysis/package-managers/recommends.js';

const none: StageUsage = {
  tls: false,
  ssh: false,
  pipInstall: false,
  pipBuild: false,
  npmInstall: false,
  composer: false,
  cgo: false,
  compile: false,
  commands: new Set(),
};

test('fix-all never edits a stage that does not ship; the quick fix is still offered', () => {
  const text = 'FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y make\nRUN make\n\nFROM busybox\nCOPY --from=build /out /out\n';
  const found = lintDetailed(text).filter((f) => f.rule === 'DS003' || f.rule === 'DS004');
  assert.ok(found.length >= 2 && found.every((f) => f.severity === 'hint' && f.fixDetail), 'hints with quick fixes');
  assert.deepEqual(selectFixes(found), []);
  assert.deepEqual(selectFixes(found, { unsafe: true }), []);
  assert.equal(fix(text).text, text);
  assert.equal(fix(text, { unsafe: true }).text.split('FROM busybox')[0], text.split('FROM busybox')[0]);
});

test('DS004 keeps ca-certificates for TLS, also in a later RUN and inside { …; } || true', () => {
  const text =
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*\nRUN { wget -q https://example.com/x -O /x; } || true\n';
  const out = fix(text).text;
  assert.match(out, /apt-get install --no-install-recommends -y wget ca-certificates &&/);
  const gz =
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*\nRUN curl -fsSL https://example.com/x -o /x\n';
  assert.equal((lint(gz).find((f) => f.rule === 'DS004')?.fix?.title ?? '').includes('ca-certificates'), false, 'jq does not pull ca-certificates');
});

test('DS004 recommends table: xvfb keeps xauth; python3-pip keeps the compilers when pip builds; unknown packages are unsure', () => {
  assert.deepEqual(recommendsToKeep(['xvfb'], none).keep, ['xauth']);
  assert.deepEqual(recommendsToKeep(['python3-pip'], { ...none, pipBuild: true, tls: true }).keep, ['build-essential', 'python3-dev']);
  assert.deepEqual(recommendsToKeep(['python3-pip'], none).keep, []);
  assert.deepEqual(recommendsToKeep(['gcc'], none).keep, ['libc6-dev']);
  assert.deepEqual(recommendsToKeep(['git'], { ...none, ssh: true }).keep, ['ca-certificates', 'openssh-client']);
  const u = recommendsToKeep(['libgtk-3-0', 'jq'], none);
  assert.match(u.unsure ?? '', /libgtk-3-0/);
  const f = lint('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y libgtk-3-0 && rm -rf /var/lib/apt/lists/*\n').find(
    (x) => x.rule === 'DS004',
  );
  assert.equal(f?.fix?.safe, false);
  assert.match(f?.fix?.title ?? '', /not reviewed/);
});

test('DS003 never strands a later apt-get install without its own update', () => {
  const text = 'FROM debian:bookworm-slim\nRUN apt-get update\nLABEL x=y\nRUN apt-get install -y --no-install-recommends curl ca-certificates\n';
  const out = fix(text, { only: ['DS003'] }).text;
  // The RUN that only updated goes (issue 22: no layer that downloads the lists to delete them); the reader updates itself.
  assert.doesNotMatch(out, /RUN apt-get update\n|RUN apt-get update && rm -rf/);
  assert.match(out, /RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf/);
  const heredoc = 'FROM debian:bookworm-slim\nRUN apt-get update\nRUN <<EOF\napt-get install -y --no-install-recommends curl\nEOF\n';
  const d = lint(heredoc).find((f) => f.rule === 'DS003');
  assert.ok(d && !d.fix, 'no fix when the later RUN cannot get its own update');
});

test('ARG/ENV references stay references: multi-stage artefact path, DS015 --chown, DS013 rm', () => {
  const go = 'FROM golang:1.22\nARG NAME=app\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/${NAME} .\nCMD ["/out/app"]\n';
  const out = fix(go, { unsafe: true }).text;
  assert.ok(!/COPY --from=\S+ \/out\/app\b/.test(out), 'the default value is never inlined into the runtime stage');
  const chown = 'FROM debian:bookworm-slim\nARG U=app\nCOPY conf /etc/app\nRUN chown -R ${U}:${U} /etc/app\n';
  assert.match(fix(chown).text, /COPY --chown=\$\{U\}:\$\{U\} conf \/etc\/app/);
  const dl = 'FROM debian:bookworm-slim\nARG V=1.0\nRUN wget -O /tmp/t-${V}.tgz https://e.com/t-${V}.tgz && tar xzf /tmp/t-${V}.tgz -C /opt\n';
  assert.match(fix(dl).text, /&& rm -f "\/tmp\/t-\$\{V\}\.tgz"\n/);
});

test('DS014: apt-get remove build-essential without --auto-remove; a toolchain image is not a finding', () => {
  const text =
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && make && apt-get remove -y build-essential && rm -rf /var/lib/apt/lists/*\n';
  assert.match(fix(text).text, /apt-get purge --auto-remove -y build-essential/);
  const gccImage = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*\n';
  assert.equal(lint(gccImage).filter((f) => f.rule === 'DS014').length, 0);
});

test('DS009 reports GOPATH go get and names only the missing flag', () => {
  const get = lint('FROM golang:1.15\nRUN go get github.com/x/tool\n').find((f) => f.rule === 'DS009');
  assert.ok(get);
  assert.equal(lint('FROM golang:1.22\nRUN go get github.com/x/tool\n').filter((f) => f.rule === 'DS009').length, 0);
  const w = lint('FROM golang:1.22\nRUN go build -ldflags="-w" -o /app .\n').find((f) => f.rule === 'DS009');
  assert.match(w?.message ?? '', /lacking `-s` ships the symbol table/);
});
