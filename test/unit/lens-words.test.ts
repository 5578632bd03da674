/** The layer lens's words: empty-layer instructions, "removed" vs "replaced" later, never pointing at itself. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makesNoLayer, wasteSuffix } from '../../client/src/lens-words.js';
import type { LineWaste } from '../../common/src/image-layers/index.js';

const waste = (over: Partial<LineWaste>): LineWaste => ({ line: 2, bytes: 0, wastedBytes: 0, removedAt: [], topFiles: [], topWasted: [], ...over });

test('metadata instructions with an empty layer get no lens; WORKDIR that made a folder keeps it', () => {
  for (const k of ['ENV', 'WORKDIR', 'EXPOSE', 'USER', 'CMD', 'entrypoint']) assert.equal(makesNoLayer(k, 0), true, k);
  assert.equal(makesNoLayer('WORKDIR', 4096), false);
  assert.equal(makesNoLayer('RUN', 0), false);
  assert.equal(makesNoLayer('COPY', 0), false);
});

test('"replaced later" for overwritten files, "removed later" for deleted ones', () => {
  const replaced = waste({
    wastedBytes: 5,
    removedAt: [{ line: 3, bytes: 5 }],
    topWasted: [{ path: 'etc/apk/world', bytes: 5, removedBy: 2, how: 'overwritten', removedAtLine: 3 }],
  });
  assert.equal(wasteSuffix(replaced, 2), ' · 5 B replaced later at line 3');
  const removed = waste({
    wastedBytes: 5,
    removedAt: [{ line: 4, bytes: 5 }],
    topWasted: [{ path: 'a', bytes: 5, removedBy: 3, how: 'deleted', removedAtLine: 4 }],
  });
  assert.equal(wasteSuffix(removed, 2), ' · 5 B removed later at line 4');
});

test('a layer whose big file is deleted and a small one overwritten says "removed"', () => {
  const w = waste({
    wastedBytes: 21_000_005,
    removedAt: [{ line: 4, bytes: 21_000_005 }],
    topWasted: [
      { path: 'usr/lib/build-deps/toolchain.bin', bytes: 21_000_000, removedBy: 3, how: 'deleted', removedAtLine: 4 },
      { path: 'etc/apk/world', bytes: 5, removedBy: 3, how: 'overwritten', removedAtLine: 4 },
    ],
  });
  assert.match(wasteSuffix(w, 3), /removed later at line 4$/);
});

test('the base lens never points at itself', () => {
  const self = waste({
    line: 1,
    wastedBytes: 1_700_000,
    removedAt: [{ line: 1, bytes: 1_700_000 }],
    topWasted: [{ path: 'x', bytes: 1_700_000, removedBy: 1, how: 'deleted', removedAtLine: 1 }],
  });
  assert.equal(wasteSuffix(self, 1), '');
  const mixed = waste({
    line: 1,
    wastedBytes: 2048,
    removedAt: [
      { line: 1, bytes: 1024 },
      { line: 5, bytes: 1024 },
    ],
    topWasted: [],
  });
  assert.equal(wasteSuffix(mixed, 1), ' · 1.0 kB removed later at line 5');
});

test('no waste figure under 1 MB and under 1% of its layer; either threshold reached shows it', () => {
  const at = (bytes: number, wasted: number): LineWaste =>
    waste({
      line: 2,
      bytes,
      wastedBytes: wasted,
      removedAt: [{ line: 4, bytes: wasted }],
      topWasted: [{ path: 'a', bytes: wasted, removedBy: 3, how: 'deleted', removedAtLine: 4 }],
    });
  assert.equal(wasteSuffix(at(444_000_000, 1_300), 2), '', '1.3 kB of a 444 MB layer');
  assert.equal(wasteSuffix(at(444_000_000, 999_999), 2), '', 'just under 1 MB, 0.2% of the layer');
  assert.equal(wasteSuffix(at(444_000_000, 1_000_000), 2), ' · 1.0 MB removed later at line 4', '1 MB is worth a word');
  assert.equal(wasteSuffix(at(50_000, 600), 2), ' · 600 B removed later at line 4', '1.2% of a small layer');
  assert.equal(wasteSuffix(at(50_000, 400), 2), '', '0.8% of a small layer');
  // The lens passes the layer size from docker history, which wins over the tar size.
  assert.equal(wasteSuffix(at(0, 1_300), 2, 444_000_000), '');
});
