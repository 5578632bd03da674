import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributeWaste,
  computeWaste,
  formatBytes,
  MalformedHistoryError,
  normaliseRow,
  parseHistoryOutput,
  parseSize,
  readImageArchive,
  TarParseError,
} from '../../common/src/image-layers/index.js';
import { chunked, dockerSaveLegacy, ociArchive, tar, type FakeImage } from './layers-tar-helper.js';

const MB = 1_000_000;
const DOCKERFILE = [
  'FROM local/busybox', // 1
  'RUN mkdir -p /opt/deps && echo fill', // 2 (layer 1)
  'ENV A=1', // 3 (empty layer)
  'RUN rm -rf /opt/deps /etc/motd', // 4 (layer 2)
  'COPY big.bin /srv/big.bin', // 5 (layer 3)
  'RUN echo v2 > /srv/config', // 6 (layer 4)
].join('\n');

const IMAGE: FakeImage = {
  layers: [
    [
      { name: 'bin/', type: '5' },
      { name: 'bin/busybox', data: Buffer.alloc(1000) },
      { name: 'etc/motd', data: 'hello' },
    ],
    [
      { name: 'opt/deps/', type: '5' },
      { name: 'opt/deps/gcc', data: Buffer.alloc(3 * MB) },
      { name: `opt/deps/${'very-long-directory-name/'.repeat(5)}cc1`, data: Buffer.alloc(2 * MB) },
      { name: 'srv/config', data: 'v1-config' },
    ],
    [
      { name: 'opt/.wh.deps', data: '' },
      { name: 'etc/.wh.motd', data: '' },
    ],
    [
      { name: 'srv/', type: '5' },
      { name: 'srv/big.bin', data: Buffer.alloc(MB) },
    ],
    [
      { name: 'srv/.wh..wh..opq', data: '' },
      { name: 'srv/config', data: 'v2' },
    ],
  ],
  history: [
    { created_by: '' },
    { created_by: 'RUN /bin/sh -c mkdir -p /opt/deps && echo fill # buildkit' },
    { created_by: 'ENV A=1', empty_layer: true },
    { created_by: 'RUN /bin/sh -c rm -rf /opt/deps /etc/motd # buildkit' },
    { created_by: 'COPY big.bin /srv/big.bin # buildkit' },
    { created_by: 'RUN /bin/sh -c echo v2 > /srv/config # buildkit' },
  ],
};

for (const [layout, archive] of [
  ['docker legacy layout', dockerSaveLegacy(IMAGE)],
  ['OCI layout, gzip layers', ociArchive(IMAGE)],
] as const) {
  test(`${layout}: reads layers, whiteouts, opaque dirs and pax long names`, async () => {
    const img = await readImageArchive(chunked(archive));
    assert.equal(img.layout, layout.startsWith('OCI') ? 'oci' : 'docker');
    assert.equal(img.layers.length, 5);
    assert.equal(img.layers[1]?.bytes, 5 * MB + 9);
    assert.ok(img.layers[1]?.files.has(`opt/deps/${'very-long-directory-name/'.repeat(5)}cc1`));
    assert.deepEqual([...(img.layers[2]?.whiteouts ?? [])].sort(), ['etc/motd', 'opt/deps']);
    assert.deepEqual([...(img.layers[4]?.opaqueDirs ?? [])], ['srv']);
  });

  test(`${layout}: wasted bytes land on the line that added them, with where they were removed`, async () => {
    const img = await readImageArchive(chunked(archive, 4096));
    const byLine = new Map(attributeWaste(DOCKERFILE, img).map((w) => [w.line, w]));
    assert.deepEqual(byLine.get(1)?.removedAt, [{ line: 4, bytes: 5 }]); // /etc/motd from the base
    const run = byLine.get(2);
    assert.equal(run?.wastedBytes, 5 * MB + 9);
    assert.deepEqual(run?.removedAt, [
      { line: 4, bytes: 5 * MB },
      { line: 6, bytes: 9 }, // srv/config hidden by the opaque dir
    ]);
    assert.equal(run?.topWasted[0]?.path, 'opt/deps/gcc');
    assert.equal(run?.topWasted[0]?.removedAtLine, 4);
    assert.equal(byLine.get(5)?.wastedBytes, MB, 'opaque /srv hides big.bin too');
    assert.equal(byLine.get(6)?.wastedBytes, 0);
    assert.equal(byLine.get(3), undefined, 'an empty layer has no tar');
  });
}

test('legacy layout: a layer deduplicated as a symlink reads as its target', async () => {
  const same = [{ name: 'x', data: 'same' }];
  const img = await readImageArchive(
    chunked(dockerSaveLegacy({ layers: [same, same], history: [{ created_by: '' }, { created_by: '' }] }, { dedupeWithSymlink: true })),
  );
  assert.equal(img.layers[1]?.files.get('x'), 4);
  assert.equal(computeWaste(img.layers)[0]?.wastedBytes, 4, 'overwritten by the identical later layer');
});

test('truncated or corrupt archives fail with a typed error', async () => {
  const whole = dockerSaveLegacy(IMAGE);
  await assert.rejects(readImageArchive([whole.subarray(0, 700)]), TarParseError);
  const bad = Buffer.from(whole);
  bad[0] = (bad[0] ?? 0) ^ 0xff;
  await assert.rejects(readImageArchive([bad]), TarParseError);
  await assert.rejects(readImageArchive([tar([{ name: 'hello', data: 'x' }])]), /neither manifest.json nor index.json/);
});

test('history rows: docker JSON lines, podman arrays, sizes in every spelling, malformed input', () => {
  assert.equal(parseHistoryOutput('{"CreatedBy":"","Size":"5"}\n{"CreatedBy":"ENV A=1","Size":"0"}\n').length, 2);
  assert.equal(parseHistoryOutput('[{"id":"a","size":5}]').length, 1);
  assert.equal(parseSize('20971520'), 20971520);
  assert.equal(parseSize(42), 42);
  assert.equal(parseSize('21MB'), 21_000_000);
  assert.equal(parseSize('1.5kB'), 1500);
  assert.throws(() => parseSize('lots'), MalformedHistoryError);
  assert.throws(() => parseHistoryOutput('{"CreatedBy": broken'), MalformedHistoryError);
  assert.throws(() => parseHistoryOutput('[1,2]'), MalformedHistoryError);
  const legacyCopy = normaliseRow({ CreatedBy: '/bin/sh -c #(nop) COPY --chown=1:1dir:8e35ffce58 in ./d ', Size: '2' });
  assert.equal(legacyCopy.keyword, 'COPY');
  assert.equal(legacyCopy.dest, './d');
  assert.equal(legacyCopy.sources, undefined);
  const bkRun = normaliseRow({ CreatedBy: 'RUN |1 VERSION=1.2 /bin/sh -c echo $VERSION > /v # buildkit', Size: '4' });
  assert.deepEqual([bkRun.kind, bkRun.keyword, bkRun.body], ['buildkit', 'RUN', '|1 VERSION=1.2 /bin/sh -c echo $VERSION > /v']);
  const legacyRun = normaliseRow({ CreatedBy: '|1 VERSION=1.2 /bin/sh -c dd if=/dev/zero of=/big', Size: '9' });
  assert.deepEqual([legacyRun.kind, legacyRun.keyword], ['legacy', 'RUN']);
});

test('formatBytes uses the SI units docker prints', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(20971520), '21.0 MB');
  assert.equal(formatBytes(1984172), '2.0 MB');
  assert.equal(formatBytes(999_960), '1.0 MB');
  assert.equal(formatBytes(1.5e9), '1.5 GB');
});
