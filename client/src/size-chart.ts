// Size history per Dockerfile (pure: no vscode): the last measurements, the change of each line since the
// previous build, and the "Show Size History" page (inline SVG chart, no script, no remote resource).
import { formatBytes } from '../../common/src/image-layers/index.js';

export interface SizeLine {
  line: number;
  /** Hash of the instruction text: finds the same instruction after lines move. */
  key: string;
  keyword: string;
  label: string;
  bytes: number;
}

export interface SizeMeasurement {
  imageId: string;
  at: number;
  totalBytes: number;
  lines: SizeLine[];
}

export const HISTORY_LENGTH = 10;

/** Adds a measurement of a new image (newest last, at most `max`); the same image again changes nothing. */
export function pushMeasurement(history: readonly SizeMeasurement[], m: SizeMeasurement, max = HISTORY_LENGTH): SizeMeasurement[] {
  if (history.some((h) => h.imageId === m.imageId)) return [...history];
  return [...history, m].slice(-max);
}

/** The measurement before the one of `imageId` (undefined: first build, or not recorded). */
export function previousOf(history: readonly SizeMeasurement[], imageId: string): SizeMeasurement | undefined {
  const i = history.findIndex((h) => h.imageId === imageId);
  return i > 0 ? history[i - 1] : undefined;
}

/** Bytes this line changed by since `prev`: the same instruction, else an edited one on the same line with the same keyword. */
export function lineDelta(prev: SizeMeasurement, line: Pick<SizeLine, 'line' | 'key' | 'keyword' | 'bytes'>): number | undefined {
  const same = prev.lines.find((l) => l.key === line.key) ?? prev.lines.find((l) => l.line === line.line && l.keyword === line.keyword);
  return same ? line.bytes - same.bytes : undefined;
}

export const signedBytes = (n: number): string => (n > 0 ? `+${formatBytes(n)}` : n < 0 ? `-${formatBytes(-n)}` : '±0 B');

/** " (+12.3 MB since last build)", or '' when there is no previous build or nothing changed. */
export function deltaSuffix(delta: number | undefined): string {
  return delta === undefined || delta === 0 ? '' : ` (${signedBytes(delta)} since last build)`;
}

const esc = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Fallback colours; the page's style maps each series to the theme's chart colours (--vscode-charts-*). */
const COLORS = ['#e8912d', '#3794ff', '#89d185', '#c586c0', '#f14c4c', '#4ec9b0'];
const THEME_COLORS = ['orange', 'blue', 'green', 'purple', 'red', 'yellow'];

interface Series {
  name: string;
  color: string;
  /** CSS class that gives the series the theme's colour. */
  cls: string;
  values: Array<number | undefined>;
  width: number;
}

/** Total size and the biggest lines (by the latest build) over the recorded builds. */
export function chartSeries(history: readonly SizeMeasurement[], topLines = 5): Series[] {
  const latest = history[history.length - 1];
  if (!latest) return [];
  const top = [...latest.lines].sort((a, b) => b.bytes - a.bytes).slice(0, topLines);
  const series: Series[] = [{ name: 'Total', color: '#cccccc', cls: 'total', values: history.map((h) => h.totalBytes), width: 3 }];
  top.forEach((l, k) =>
    series.push({
      name: `line ${l.line}: ${l.label}`,
      color: COLORS[k % COLORS.length] ?? '#888',
      cls: `c${k % COLORS.length}`,
      values: history.map((h) => h.lines.find((x) => x.key === l.key)?.bytes ?? h.lines.find((x) => x.line === l.line && x.keyword === l.keyword)?.bytes),
      width: 2,
    }),
  );
  return series;
}

/**
 * The value axis: around the values, not from 0, so a 6 MB change on a 598 MB image is visible (a margin of 15% of
 * the spread on each side; a flat series gets ±5% of its value).
 */
export function axisRange(values: readonly number[]): { lo: number; hi: number } {
  if (values.length === 0) return { lo: 0, hi: 1 };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const margin = hi > lo ? (hi - lo) * 0.15 : Math.max(hi * 0.05, 1);
  lo = Math.max(0, lo - margin);
  hi = hi + margin;
  return { lo, hi };
}

export function renderChartSvg(history: readonly SizeMeasurement[], series = chartSeries(history), width = 760, height = 260, what = 'Image size'): string {
  const pad = { left: 80, right: 20, top: 20, bottom: 40 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const { lo, hi } = axisRange(series.flatMap((s) => s.values.filter((v): v is number => v !== undefined)));
  const n = history.length;
  const x = (i: number): number => pad.left + (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const y = (v: number): number => pad.top + h - ((v - lo) / (hi - lo)) * h;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(what)} over the last ${n} builds">`,
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}" fill="#1e1e1e"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(`<line class="grid" x1="${pad.left}" x2="${pad.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#3c3c3c"/>`);
    parts.push(`<text class="axis" x="${pad.left - 8}" y="${y(v) + 4}" fill="#aaaaaa" font-size="11" text-anchor="end">${esc(formatBytes(v))}</text>`);
  }
  history.forEach((_m, i) =>
    parts.push(`<text class="axis" x="${x(i)}" y="${height - 14}" fill="#aaaaaa" font-size="11" text-anchor="middle">#${i + 1}</text>`),
  );
  for (const s of series) {
    const pts = s.values.map((v, i) => (v === undefined ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
    const drawn = pts.filter((p): p is string => p !== undefined);
    if (drawn.length > 1) parts.push(`<polyline class="${s.cls}" fill="none" stroke="${s.color}" stroke-width="${s.width}" points="${drawn.join(' ')}"/>`);
    s.values.forEach((v, i) => {
      if (v !== undefined) {
        parts.push(
          `<circle class="${s.cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${s.width + 1}" fill="${s.color}"><title>${esc(`${s.name}: ${formatBytes(v)}`)}</title></circle>`,
        );
      }
    });
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Theme colours for the charts (VS Code sets these variables in every webview). */
const THEME_CSS = [
  '.bg{fill:var(--vscode-editor-background)}',
  '.grid{stroke:var(--vscode-editorWidget-border,var(--vscode-panel-border))}',
  '.axis{fill:var(--vscode-descriptionForeground)}',
  'polyline.total{stroke:var(--vscode-foreground)}circle.total{fill:var(--vscode-foreground)}',
  ...THEME_COLORS.map(
    (c, k) => `polyline.c${k}{stroke:var(--vscode-charts-${c},${COLORS[k]})}circle.c${k},rect.c${k}{fill:var(--vscode-charts-${c},${COLORS[k]})}`,
  ),
  'rect.total{fill:var(--vscode-foreground)}',
].join('\n');

/** The whole webview page: CSP allows only the nonce'd style; no script, no remote resource. */
export function renderHistoryHtml(history: readonly SizeMeasurement[], fileName: string, nonce: string): string {
  const series = chartSeries(history);
  const legend = series
    .map((s) => `<li><svg width="14" height="10"><rect class="${s.cls}" width="14" height="10" fill="${s.color}"/></svg> ${esc(s.name)}</li>`)
    .join('');
  const rows = history
    .map((m, i) => {
      const prev = history[i - 1];
      const change = prev ? signedBytes(m.totalBytes - prev.totalBytes) : '';
      return `<tr><td>#${i + 1}</td><td>${esc(new Date(m.at).toISOString().replace('T', ' ').slice(0, 19))} UTC</td><td class="n">${esc(formatBytes(m.totalBytes))}</td><td class="n">${esc(change)}</td><td><code>${esc(m.imageId.replace(/^sha256:/, '').slice(0, 12))}</code></td></tr>`;
    })
    .join('');
  const body =
    history.length === 0
      ? '<p>No measurements yet: run <b>Dockerfile Slim: Build and Measure</b>, or map this Dockerfile to an image in <code>dockerfileSlim.layers.image</code>.</p>'
      : // The total and the lines each on their own scale: a few MB of change stay visible next to hundreds.
        `<h3>Total</h3>${renderChartSvg(history, series.slice(0, 1), 760, 200, 'Image size')}<h3>Biggest lines</h3>${renderChartSvg(history, series.slice(1), 760, 260, 'Size of the biggest lines')}<ul class="legend">${legend}</ul><table><thead><tr><th>Build</th><th>Measured</th><th>Total</th><th>Change</th><th>Image</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src data:;">
<title>Size history</title><style nonce="${nonce}">
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:12px}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}
table{border-collapse:collapse;margin-top:12px}td,th{padding:2px 10px;text-align:left}.n{text-align:right}
${THEME_CSS}
</style></head><body><h2>Image size of ${esc(fileName)} over the last ${history.length} build${history.length === 1 ? '' : 's'}</h2>${body}</body></html>`;
}
