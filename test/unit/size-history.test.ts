// Size history (client/src/size-chart.ts, pure): the last 10 builds, each line's change since the previous
// build, and the Show Size History page (inline SVG, CSP without scripts or remote resources, escaped labels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisRange, deltaSuffix, lineDelta, previousOf, pushMeasurement, renderHistoryHtml, type SizeMeasurement } from '../../client/src/size-chart.js';

const m = (imageId: string, toolchain: number, label = 'RUN dd count=20'): SizeMeasurement => ({
  imageId,
  at: Date.UTC(2026, 10, 30, 9, 0, Number(imageId.replace(/\D/g, '') || 0)),
  totalBytes: 2_000_000 + toolchain,
  lines: [
    { line: 1, key: 'from', keyword: 'FROM', label: 'FROM local/busybox', bytes: 2_000_000 },
    { line: 3, key: label, keyword: 'RUN', label, bytes: toolchain },
  ],
});

test('keeps the last 10 builds, newest last; the same image again is not a new build', () => {
  let h: SizeMeasurement[] = [];
  for (let i = 1; i <= 12; i++) h = pushMeasurement(h, m(`sha256:${i}`, i * 1e6));
  assert.deepEqual(
    h.map((x) => x.imageId),
    Array.from({ length: 10 }, (_, k) => `sha256:${k + 3}`),
  );
  assert.equal(pushMeasurement(h, m('sha256:12', 0)).length, 10);
  assert.equal(previousOf(h, 'sha256:12')?.imageId, 'sha256:11');
  assert.equal(previousOf(h, 'sha256:3'), undefined, 'the oldest kept build has no previous one');
});

test('a line changes against the same instruction, or the edited instruction on its line', () => {
  const prev = m('a', 8.7e6);
  assert.equal(lineDelta(prev, { line: 5, key: 'RUN dd count=20', keyword: 'RUN', bytes: 21e6 }), 12.3e6, 'moved, same text');
  assert.equal(lineDelta(prev, { line: 3, key: 'RUN dd count=30', keyword: 'RUN', bytes: 21e6 }), 12.3e6, 'edited in place');
  assert.equal(lineDelta(prev, { line: 3, key: 'COPY x', keyword: 'COPY', bytes: 1 }), undefined, 'a new instruction');
  assert.equal(deltaSuffix(12.3e6), ' (+12.3 MB since last build)');
  assert.equal(deltaSuffix(-1500), ' (-1.5 kB since last build)');
  assert.equal(deltaSuffix(0), '');
  assert.equal(deltaSuffix(undefined), '');
});

test('the history page: SVG chart of the total and the biggest lines, no script, nothing remote, labels escaped', () => {
  const hostile = 'RUN echo "<script>alert(1)</script>" && curl https://evil.example/x.png';
  const html = renderHistoryHtml([m('sha256:1', 20e6, hostile), m('sha256:2', 30e6, hostile)], 'Dockerfile', 'NONCE');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-NONCE'; img-src data:;">/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /\b(src|href)=["']?https?:/i, 'no remote resource');
  assert.equal((html.match(/<polyline /g) ?? []).length, 3, 'total, line 3, FROM');
  assert.match(html, /Image size of Dockerfile over the last 2 builds/);
  assert.match(html, /<td class="n">32\.0 MB<\/td><td class="n">\+10\.0 MB<\/td>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(renderHistoryHtml([], 'Dockerfile', 'N'), /No measurements yet/);
});

test('the chart follows the colour theme and shows a 6 MB change on 598 MB at a readable scale', () => {
  const html = renderHistoryHtml([m('sha256:1', 598e6, 'RUN a'), m('sha256:2', 604e6, 'RUN a')], 'Dockerfile', 'N');
  assert.match(html, /\.bg\{fill:var\(--vscode-editor-background\)\}/, 'background from the theme');
  assert.match(html, /polyline\.total\{stroke:var\(--vscode-foreground\)\}/);
  assert.match(html, /var\(--vscode-charts-orange,#e8912d\)/);
  const { lo, hi } = axisRange([598e6, 604e6]);
  assert.ok(lo > 590e6 && hi < 610e6, `axis ${lo}..${hi}`);
  assert.ok((604e6 - 598e6) / (hi - lo) > 0.5, 'the change spans more than half the chart height');
  // The total's points: 6 MB apart must be far apart on screen (the plot is 140 px high).
  const total = /<polyline class="total"[^>]*points="([^"]+)"/.exec(html)?.[1] ?? '';
  const ys = total.split(' ').map((p) => Number(p.split(',')[1]));
  assert.ok(Math.abs((ys[0] ?? 0) - (ys[1] ?? 0)) > 70, `points ${total}`);
  assert.deepEqual(axisRange([5e6, 5e6]), { lo: 4.75e6, hi: 5.25e6 });
  assert.deepEqual(axisRange([]), { lo: 0, hi: 1 });
});
