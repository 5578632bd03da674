// Output of `dockerfile-slim layers`: text (a table, biggest first), json (the contract in docs/contract.md), sarif
// (results on the lines that exceed a budget or waste bytes) and markdown (for a pull-request comment).
import { sarifUri } from './sarif.js';
import { formatBytes, type LayerReport } from '../../../common/src/image-layers/index.js';
import type { Baseline, Budgets, Excess } from './layers-budget.js';
import { lineGrowth } from './layers-budget.js';

export interface RenderInput {
  file: string;
  image: string;
  report: LayerReport;
  excess: Excess[];
  budgets: Budgets;
  baseline?: Baseline | undefined;
  instructionAt: (line: number) => string;
  version: string;
}

/** No control characters, and no line of ours starts with user content such as `::` (CI log commands). */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\t' ? ' ' : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
}

const oneLine = (s: string, max = 70): string => {
  const t = safeText(s.replace(/\s*\\?\r?\n\s*/g, ' ').trim());
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

const signed = (n: number): string => (n > 0 ? `+${formatBytes(n)}` : n < 0 ? `-${formatBytes(-n)}` : '±0 B');

export function renderJson(r: RenderInput): string {
  return JSON.stringify(
    r.report.lines.map((l) => ({ line: l.line, bytes: l.bytes, wastedBytes: l.wastedBytes, createdBy: l.createdBy, ...(l.stale ? { stale: true } : {}) })),
    null,
    2,
  );
}

function budgetSummary(b: Budgets): string {
  const parts: string[] = [];
  if (b.total !== undefined) parts.push(`total ${formatBytes(b.total)}`);
  if (b.layer !== undefined) parts.push(`layer ${formatBytes(b.layer)}`);
  if (b.wasted !== undefined) parts.push(`wasted ${formatBytes(b.wasted)}`);
  if (b.growth !== undefined) parts.push(`growth ${'bytes' in b.growth ? formatBytes(b.growth.bytes) : `${b.growth.percent}%`}`);
  return parts.join(', ');
}

export function renderText(r: RenderInput): string {
  const { report } = r;
  const growth = r.baseline ? lineGrowth(report, r.baseline, r.instructionAt) : undefined;
  const rows = [...report.lines].sort((a, b) => b.bytes - a.bytes || a.line - b.line);
  const out = [`Layers of ${oneLine(r.file, 200)} (image ${oneLine(r.image, 80)}), biggest first:`];
  out.push(`  ${'LINE'.padStart(5)}  ${'SIZE'.padStart(9)}  ${'WASTED'.padStart(9)}${growth ? `  ${'CHANGE'.padStart(10)}` : ''}  INSTRUCTION`);
  for (const l of rows) {
    const wasted = l.wastedBytes > 0 ? formatBytes(l.wastedBytes) : report.wasteMeasured ? '-' : '?';
    const change = growth ? `  ${signed(growth.get(l.line) ?? 0).padStart(10)}` : '';
    out.push(
      `  ${String(l.line).padStart(5)}  ${formatBytes(l.bytes).padStart(9)}  ${wasted.padStart(9)}${change}  ${oneLine(r.instructionAt(l.line))}${l.stale ? ' (edited since the build)' : ''}`,
    );
  }
  const grown = r.baseline ? `, ${signed(report.totalBytes - r.baseline.totalBytes)} since the baseline` : '';
  out.push(`Total ${formatBytes(report.totalBytes)}, wasted ${formatBytes(report.wastedBytes)}${grown}.`);
  if (Object.keys(r.budgets).length > 0) {
    out.push(r.excess.length === 0 ? `Within budget (${budgetSummary(r.budgets)}).` : `Over budget (${budgetSummary(r.budgets)}):`);
    for (const e of r.excess) out.push(`  line ${e.line}: ${e.budget}: ${safeText(e.message)}`);
  }
  return out.join('\n');
}

/** Markdown-safe inline code: no control characters, backticks or pipes that would break the table. */
const mdCode = (s: string): string => '`' + oneLine(s).replace(/`/g, "'").replace(/\|/g, '\\|') + '`';
const mdText = (s: string): string => safeText(s).replace(/([\\`*_[\]<>|#])/g, '\\$1');

export function renderMarkdown(r: RenderInput): string {
  const { report } = r;
  const growth = r.baseline ? lineGrowth(report, r.baseline, r.instructionAt) : undefined;
  const out = [`### Image size: ${formatBytes(report.totalBytes)}`, ''];
  const facts = [`**${formatBytes(report.wastedBytes)}** wasted (written, then removed or replaced by a later layer)`];
  if (r.baseline) facts.push(`**${signed(report.totalBytes - r.baseline.totalBytes)}** since the baseline (${formatBytes(r.baseline.totalBytes)})`);
  out.push(`In ${mdCode(r.file)}: ${facts.join(', ')}.`, '');
  if (Object.keys(r.budgets).length > 0) {
    if (r.excess.length === 0) out.push(`✅ Within budget (${budgetSummary(r.budgets)}).`, '');
    else {
      out.push(`❌ Over budget (${budgetSummary(r.budgets)}):`, '');
      for (const e of r.excess) out.push(`- line ${e.line}, **${e.budget}**: ${mdText(e.message)}`);
      out.push('');
    }
  }
  out.push(`| Line | Size | Wasted |${growth ? ' Change |' : ''} Instruction |`, `|---:|---:|---:|${growth ? '---:|' : ''}---|`);
  for (const l of [...report.lines].sort((a, b) => b.bytes - a.bytes || a.line - b.line)) {
    const change = growth ? ` ${signed(growth.get(l.line) ?? 0)} |` : '';
    const wasted = l.wastedBytes > 0 ? `**${formatBytes(l.wastedBytes)}**` : '';
    out.push(`| ${l.line} | ${formatBytes(l.bytes)} | ${wasted} |${change} ${mdCode(r.instructionAt(l.line))}${l.stale ? ' (edited since the build)' : ''} |`);
  }
  return out.join('\n');
}

const RULES = [
  { id: 'layers/wasted-bytes', text: 'Bytes written by this layer are removed or replaced by a later layer; they still ship.', level: 'warning' },
  { id: 'layers/budget-total', text: 'The image is bigger than the total size budget.', level: 'error' },
  { id: 'layers/budget-layer', text: 'A single layer is bigger than the layer size budget.', level: 'error' },
  { id: 'layers/budget-wasted', text: 'The image wastes more bytes than the wasted budget allows.', level: 'error' },
  { id: 'layers/budget-growth', text: 'The image grew more than the growth budget allows since the baseline.', level: 'error' },
] as const;

export function renderSarif(r: RenderInput): string {
  const location = (line: number): object[] => [
    { physicalLocation: { artifactLocation: { uri: sarifUri(r.file) }, region: { startLine: Math.max(1, line) } } },
  ];
  const results: object[] = [];
  for (const l of r.report.lines) {
    if (l.wastedBytes <= 0) continue;
    results.push({
      ruleId: 'layers/wasted-bytes',
      ruleIndex: 0,
      level: 'warning',
      message: { text: `${formatBytes(l.wastedBytes)} written by this layer is removed or replaced by a later layer and still ships` },
      locations: location(l.line),
      properties: { wastedBytes: l.wastedBytes, bytes: l.bytes },
    });
  }
  for (const e of r.excess) {
    const ruleIndex = RULES.findIndex((x) => x.id === `layers/budget-${e.budget}`);
    results.push({ ruleId: `layers/budget-${e.budget}`, ruleIndex, level: 'error', message: { text: safeText(e.message) }, locations: location(e.line) });
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockerfile-slim',
            version: r.version,
            informationUri: 'https://github.com/dockerfile-slim/dockerfile-slim#readme',
            rules: RULES.map((x) => ({ id: x.id, shortDescription: { text: x.text }, defaultConfiguration: { level: x.level } })),
          },
        },
        results,
        properties: { image: r.image, totalBytes: r.report.totalBytes, wastedBytes: r.report.wastedBytes },
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
