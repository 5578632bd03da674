import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeLayers, parseHistoryOutput, rowsFromConfigHistory } from '../../common/src/image-layers/index.js';
import { loadFixture, positionalOracle } from './layers-fixtures.js';

const RECORDED = ['apk-del-later.buildkit', 'apk-del-later.legacy', 'kitchen-sink.buildkit', 'kitchen-sink.legacy'];

for (const name of RECORDED) {
  test(`${name}: every row lands on the line the positional oracle expects, none stale`, () => {
    const f = loadFixture(name);
    const got = attributeLayers(f.dockerfile, f.rows);
    assert.deepEqual(
      got.map((g) => ({ line: g.line, bytes: g.bytes })),
      positionalOracle(f.dockerfile, f.rows, f.builder),
    );
    assert.deepEqual(
      got.filter((g) => g.stale),
      [],
    );
    const total = f.rows.reduce((s, r) => s + Number(r['Size']), 0);
    assert.equal(
      got.reduce((s, g) => s + g.bytes, 0),
      total,
      'no byte lost or counted twice',
    );
  });

  test(`${name}: the image config history (with empty_layer) attributes the same as docker history`, () => {
    const f = loadFixture(name);
    assert.ok(f.configHistory);
    const sizes = [...f.rows]
      .reverse()
      .filter((_r, i) => !f.configHistory?.[i]?.empty_layer)
      .map((r) => Number(r['Size']));
    const { rows, layerToEntry } = rowsFromConfigHistory(f.configHistory, sizes);
    assert.equal(layerToEntry.length, sizes.length);
    const lines = (rs: typeof rows): number[] => attributeLayers(f.dockerfile, rs).map((a) => a.line);
    assert.deepEqual(lines(rows), lines(f.rows));
  });
}

test('podman JSON (constructed from the documented format) attributes like the legacy builder', () => {
  const p = loadFixture('apk-del-later.podman');
  const legacy = loadFixture('apk-del-later.legacy');
  const rows = parseHistoryOutput(p.podmanJson ?? '');
  const strip = (xs: ReturnType<typeof attributeLayers>) => xs.map((x) => ({ line: x.line, bytes: x.bytes }));
  assert.deepEqual(strip(attributeLayers(p.dockerfile, rows)), strip(attributeLayers(legacy.dockerfile, legacy.rows)));
});

test('seed case: the later RUN that deletes the build deps adds bytes; the 20 MiB stay on the line that made them', () => {
  for (const name of ['apk-del-later.buildkit', 'apk-del-later.legacy']) {
    const f = loadFixture(name);
    const lines = f.dockerfile.split('\n');
    const got = attributeLayers(f.dockerfile, f.rows);
    const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
    const add = got.find((g) => g.line === lineOf('RUN mkdir -p /usr/lib/build-deps'));
    const del = got.find((g) => g.line === lineOf('RUN rm -rf /usr/lib/build-deps'));
    assert.ok(add && del);
    assert.ok(add.bytes >= 20 * 1024 * 1024, `${add.bytes}`);
    assert.ok(del.bytes > 0, 'deleting in a later layer never shrinks the image');
  }
});

test('multi-stage: builder-stage rows never reach a line; COPY --from lands on its own line', () => {
  const f = loadFixture('kitchen-sink.buildkit');
  const lines = f.dockerfile.split('\n');
  const got = attributeLayers(f.dockerfile, f.rows);
  const builderRun = lines.findIndex((l) => l.startsWith('RUN echo built')) + 1;
  assert.equal(got.filter((g) => g.line === builderRun).length, 0);
  const copyFrom = lines.findIndex((l) => l.startsWith('COPY --from=build')) + 1;
  assert.match(got.find((g) => g.line === copyFrom)?.createdBy ?? '', /^COPY \/artifact art/);
});

test('edited since the build: changed RUN is stale, inserted line gets nothing, others keep exact sizes', () => {
  const f = loadFixture('apk-del-later.legacy');
  const before = attributeLayers(f.dockerfile, f.rows);
  const edited = f.dockerfile.replace('count=20', 'count=30').replace('FROM local/busybox\n', 'FROM local/busybox\nRUN echo new > /new\n');
  const lines = edited.split('\n');
  const after = attributeLayers(edited, f.rows);
  const newLine = lines.findIndex((l) => l.startsWith('RUN echo new')) + 1;
  assert.equal(after.filter((a) => a.line === newLine).length, 0, 'nothing is pinned on a line that was not built');
  const ddLine = lines.findIndex((l) => l.startsWith('RUN mkdir -p /usr/lib/build-deps')) + 1;
  const dd = after.find((a) => a.line === ddLine);
  assert.equal(dd?.stale, true);
  assert.equal(dd?.bytes, before.find((b) => b.createdBy === dd?.createdBy)?.bytes);
  for (const a of after.filter((x) => x.line !== ddLine)) {
    assert.equal(a.stale, undefined, `line ${a.line}`);
    assert.equal(a.bytes, before.find((b) => b.createdBy === a.createdBy)?.bytes, `line ${a.line} moved with its text`);
  }
});

test('deleted instruction: its row is pinned nowhere, the rest stay exact', () => {
  const f = loadFixture('apk-del-later.buildkit');
  const edited = f.dockerfile.replace("RUN rm -rf /usr/lib/build-deps && sed -i '/build-deps/d' /etc/apk/world\n", '');
  const got = attributeLayers(edited, f.rows);
  assert.equal(
    got.some((g) => g.createdBy.includes('rm -rf /usr/lib/build-deps')),
    false,
  );
  assert.equal(
    got.some((g) => g.stale),
    false,
  );
  assert.equal(got.length, f.rows.length - 1 - 1 + 1, 'base row folded into FROM, deleted row dropped');
});

test("another Dockerfile's image: everything is marked stale rather than shown as fact", () => {
  const f = loadFixture('kitchen-sink.legacy');
  const other = 'FROM local/busybox\nRUN echo a > /a\nRUN echo b > /b\nCOPY x /x\n';
  const got = attributeLayers(other, f.rows);
  assert.ok(got.length > 0);
  assert.ok(got.every((g) => g.stale === true));
});

test('no FROM, no rows: empty answer, no throw', () => {
  assert.deepEqual(attributeLayers('', []), []);
  assert.deepEqual(attributeLayers('FROM scratch\nCOPY a /a\n', []), [{ line: 1, bytes: 0, createdBy: 'FROM scratch (0 base image rows)' }]);
});
