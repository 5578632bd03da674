// The real-build suite's lens checks (test/docker/image-check.ts) on hand-made layers: the final filesystem after
// whiteouts and opaque directories, and which build caches ship.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerFiles, SavedImage } from '../../common/src/image-layers/index.js';
import { finalFiles, flaggedAt, shippedCaches } from '../docker/image-check.js';
import type { DetailedFinding } from '../../server/src/engine/index.js';

function layer(files: Record<string, number>, whiteouts: string[] = [], opaqueDirs: string[] = []): LayerFiles {
  const map = new Map(Object.entries(files));
  return { files: map, dirs: new Set(), whiteouts: new Set(whiteouts), opaqueDirs: new Set(opaqueDirs), bytes: [...map.values()].reduce((a, b) => a + b, 0) };
}

const image = (layers: LayerFiles[]): SavedImage => ({ layout: 'docker', config: {}, layers });

test('finalFiles applies whiteouts (files and whole directories) and opaque directories in layer order', () => {
  const fs = finalFiles([layer({ 'a/x': 1, 'a/y': 2, 'b/z': 3, 'c/k': 4 }), layer({ 'a/y': 5 }, ['b'], ['c']), layer({ 'c/new': 6 }, ['a/x'])]);
  assert.deepEqual(Object.fromEntries(fs), { 'a/y': 5, 'c/new': 6 });
});

test('shippedCaches sums each known build cache that survives, ignoring ones a later layer deletes', () => {
  const img = image([
    layer({ 'root/.cache/go-build/00/a': 3_000_000, 'root/.cache/go-build/01/b': 500_000, 'usr/local/bin/app': 9_000_000 }),
    layer({ 'root/.m2/repository/x.jar': 2_000_000, 'home/app/.cache/pip/http/y': 1_500_000 }),
    layer({ 'root/.cargo/registry/cache/z.crate': 4_000_000 }, ['root/.m2']),
  ]);
  assert.deepEqual(shippedCaches(img), [
    { what: 'cargo registry', bytes: 4_000_000 },
    { what: 'Go build cache', bytes: 3_500_000 },
    { what: 'pip cache', bytes: 1_500_000 },
  ]);
  assert.deepEqual(shippedCaches(img, 3_600_000), [{ what: 'cargo registry', bytes: 4_000_000 }]);
});

test('flaggedAt matches findings by the line their instruction starts on', () => {
  const f = (rule: string, instrLine: number): DetailedFinding =>
    ({
      rule,
      instrLine,
      line: instrLine + 2,
      severity: 'warning',
      message: '',
      column: 1,
      endLine: instrLine + 2,
      endColumn: 1,
      name: '',
      start: 0,
      end: 0,
    }) as DetailedFinding;
  const findings = [f('DS002', 9), f('DS016', 3)];
  assert.deepEqual(
    flaggedAt(findings, [10, undefined]).map((x) => x.rule),
    ['DS002'],
  );
  assert.deepEqual(
    flaggedAt(findings, [4], ['DS002']).map((x) => x.rule),
    [],
  );
});
