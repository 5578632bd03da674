/**
 * Issue 27: the layer lens's alignment and wasted-bytes computation are linear in their input. Each against a
 * growth ratio (time per unit at n and 8n), and the new waste computation against the old per-file walk on random
 * layer stacks (same result).
 */
import { test } from 'node:test';
import { envBuild } from '../helpers/loop-timing.js';
import assert from 'node:assert/strict';
import { alignRows, attributeLayers, computeWaste } from '../../common/src/image-layers/index.js';
import type { LayerFiles } from '../../common/src/image-layers/image-tar.js';

function ms(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** The old computation (files × depth × later layers), kept here as the reference. */
function referenceWaste(layers: readonly LayerFiles[]): Array<{ wasted: Array<[string, number, string]> }> {
  return layers.map((layer, i) => {
    const wasted: Array<[string, number, string]> = [];
    for (const [p, bytes] of layer.files) {
      if (bytes === 0) continue;
      const up: string[] = [];
      for (let c = p.lastIndexOf('/'); c > 0; c = p.lastIndexOf('/', c - 1)) up.push(p.slice(0, c));
      outer: for (let k = i + 1; k < layers.length; k++) {
        const l = layers[k] as LayerFiles;
        if (l.files.has(p) || l.dirs.has(p)) {
          wasted.push([p, k, 'overwritten']);
          break;
        }
        if (l.whiteouts.has(p)) {
          wasted.push([p, k, 'deleted']);
          break;
        }
        for (const a of up) {
          if (l.whiteouts.has(a) || l.opaqueDirs.has(a)) {
            wasted.push([p, k, 'deleted']);
            break outer;
          }
          if (l.files.has(a)) {
            wasted.push([p, k, 'overwritten']);
            break outer;
          }
        }
      }
    }
    return { wasted: wasted.sort() };
  });
}

function layer(): LayerFiles {
  return { files: new Map(), dirs: new Set(), whiteouts: new Set(), opaqueDirs: new Set(), bytes: 0 };
}

test('waste: the same result as the per-file walk on random layer stacks', () => {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const names = ['a', 'b', 'c', 'd'];
  const randomPath = (): string => Array.from({ length: 1 + rnd(4) }, () => names[rnd(names.length)]).join('/');
  for (let run = 0; run < 300; run++) {
    const layers = Array.from({ length: 1 + rnd(6) }, () => {
      const l = layer();
      for (let k = rnd(8); k > 0; k--) {
        const what = rnd(10);
        const p = randomPath();
        if (what < 5) l.files.set(p, 1 + rnd(100));
        else if (what < 7) l.dirs.add(p);
        else if (what < 9) l.whiteouts.add(p);
        else l.opaqueDirs.add(p);
      }
      return l;
    });
    const want = referenceWaste(layers);
    const all = computeWaste(layers, 1000);
    assert.deepEqual(
      all.map((w) => ({ wasted: w.topWasted.map((f): [string, number, string] => [f.path, f.removedBy, f.how]).sort() })),
      want,
      `run ${run}`,
    );
  }
});

test('reproduction 3: waste: 2,000 files at depth n over 60 layers (the issue: a 2 MB image) is linear in n', () => {
  const make = (depth: number): LayerFiles[] => {
    const dir = Array.from({ length: depth }, (_, i) => `d${i % 10}`).join('/');
    return Array.from({ length: 60 }, (_, k) => {
      const l = layer();
      for (let f = 0; f < 34; f++) l.files.set(`${dir}/f${(f + 20 * k) % 2000}`, 10);
      for (let up = dir; up.includes('/') && k % 7 === 6; up = up.slice(0, up.lastIndexOf('/'))) if (up.length % 97 === 0) l.whiteouts.add(`${up}/f${k}`);
      return l;
    });
  };
  computeWaste(make(10));
  const [s, b8] = [make(125), make(1000)];
  const a = ms(() => computeWaste(s)) / 125;
  const b = ms(() => computeWaste(b8)) / 1000;
  assert.ok(b <= 4 * Math.max(a, 0.01), `per level ${a.toFixed(4)} → ${b.toFixed(4)} ms`);
  const t = ms(() => computeWaste(b8));
  assert.ok(t < 5_000, `depth 1000: ${t.toFixed(0)} ms (was 22.3 s)`);
});

test('reproduction 2: alignment: linear in instructions, bounded in history rows, and memoised per image', () => {
  const cost = (n: number): number => {
    const { text, rows } = envBuild(n, 20);
    let out: ReturnType<typeof attributeLayers> = [];
    const t = ms(() => (out = attributeLayers(text, rows)));
    assert.equal(out.filter((o) => o.line > 1 && !o.stale).length, n, 'every instruction aligned exactly');
    return t / n;
  };
  cost(200);
  const a = cost(400);
  const b = cost(3200);
  assert.ok(b <= 4 * Math.max(a, 0.02), `per instruction ${a.toFixed(3)} → ${b.toFixed(3)} ms`);
  // 1,000 instructions against 60,000 rows (99 s and 1.1 GB before): only the newest rows are aligned.
  const { text, rows } = envBuild(1000, 59_000);
  const t = ms(() => alignRows(text, rows));
  assert.ok(t < 10_000, `${t.toFixed(0)} ms`);
  assert.equal(alignRows(text, rows).targets.filter((x) => x.kind === 'instruction').length, 1000);
  assert.ok(ms(() => alignRows(text, rows)) < 5, 'the same text and rows: the memo');
  // Edited since the build: 50 lines inserted, 30 removed; still aligned.
  const edited = text
    .replace('ENV V100=x100\n', Array.from({ length: 50 }, (_, i) => `RUN echo new${i}\n`).join(''))
    .replace(/ENV V5\d\d=x5\d\d\n/g, (m, off: number) => (off % 3 === 0 ? '' : m));
  const res = attributeLayers(edited, envBuild(1000, 20).rows);
  assert.ok(res.filter((r) => r.line > 1 && !r.stale).length > 900);
});
