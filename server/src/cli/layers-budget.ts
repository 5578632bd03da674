// Size budgets for `dockerfile-slim layers`: parsing `--budget total=120MB,layer=50MB,wasted=0,growth=5%`,
// the baseline file (`--baseline` / `--write-baseline`), and which lines exceed what.
import { createHash } from 'node:crypto';
import { formatBytes, type LayerReport } from '../../../common/src/image-layers/index.js';

export class LayersUsageError extends Error {}

export type BudgetKey = 'total' | 'layer' | 'wasted' | 'growth';
export interface Budgets {
  total?: number;
  layer?: number;
  wasted?: number;
  /** Bytes, or a percentage of the baseline's total. */
  growth?: { bytes: number } | { percent: number };
}

const UNIT: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `120MB`, `1.5GiB`, `0`, `2048` (bytes). SI units as `docker images` prints them; binary with `i`. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNIT[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

export function parseBudgets(specs: readonly string[]): Budgets {
  const b: Budgets = {};
  for (const spec of specs) {
    for (const part of spec.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      const value = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (!['total', 'layer', 'wasted', 'growth'].includes(key)) {
        throw new LayersUsageError(`unknown budget "${key}" (total, layer, wasted or growth)`);
      }
      if (key === 'growth' && /%$/.test(value)) {
        const p = Number(value.slice(0, -1));
        if (value.length < 2 || !Number.isFinite(p) || p < 0) throw new LayersUsageError(`growth budget "${value}" is not a percentage like 5%`);
        b.growth = { percent: p };
        continue;
      }
      const bytes = parseByteSize(value);
      if (bytes === undefined) {
        throw new LayersUsageError(`budget ${key}="${value}" is not a size like 120MB, 1.5GiB or 0${key === 'growth' ? ' (or 5%)' : ''}`);
      }
      if (key === 'growth') b.growth = { bytes };
      else b[key as 'total' | 'layer' | 'wasted'] = bytes;
    }
  }
  return b;
}

// ---- baseline ---------------------------------------------------------------------------------------------

export interface BaselineLine {
  line: number;
  bytes: number;
  wastedBytes: number;
  /** sha1 of the instruction's text (whitespace collapsed): finds the same instruction after lines move. */
  key: string;
  instruction: string;
}
export interface Baseline {
  tool: 'dockerfile-slim';
  kind: 'layers-baseline';
  version: 1;
  image: string;
  createdAt: string;
  totalBytes: number;
  wastedBytes: number;
  lines: BaselineLine[];
}

export const instructionKey = (text: string): string => createHash('sha1').update(text.replace(/\s+/g, ' ').trim()).digest('hex');

export function makeBaseline(report: LayerReport, image: string, instructionAt: (line: number) => string): Baseline {
  return {
    tool: 'dockerfile-slim',
    kind: 'layers-baseline',
    version: 1,
    image,
    createdAt: new Date().toISOString(),
    totalBytes: report.totalBytes,
    wastedBytes: report.wastedBytes,
    lines: report.lines.map((l) => ({
      line: l.line,
      bytes: l.bytes,
      wastedBytes: l.wastedBytes,
      key: instructionKey(instructionAt(l.line)),
      instruction: instructionAt(l.line).slice(0, 200),
    })),
  };
}

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Validates a parsed baseline file; the error says what is wrong, for a one-line message. */
export function parseBaseline(text: string, file: string): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LayersUsageError(`baseline ${file} is not valid JSON (${(e as Error).message.split('\n')[0]}); write one with --write-baseline`);
  }
  const o = v as Partial<Baseline> | null;
  const bad = (why: string): never => {
    throw new LayersUsageError(`baseline ${file} is not a dockerfile-slim layers baseline: ${why}; write one with --write-baseline`);
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('not a JSON object');
  if (o.kind !== 'layers-baseline') return bad('"kind" is not "layers-baseline"');
  if (o.version !== 1) return bad(`unsupported version ${JSON.stringify(o.version)}`);
  if (!isSize(o.totalBytes)) return bad('"totalBytes" is not a byte count');
  if (!Array.isArray(o.lines)) return bad('"lines" is not an array');
  for (const [i, l] of o.lines.entries()) {
    if (typeof l !== 'object' || l === null || !isSize(l.bytes) || typeof l.key !== 'string' || !Number.isInteger(l.line)) {
      return bad(`lines[${i}] is malformed`);
    }
  }
  return { ...(o as Baseline), wastedBytes: isSize(o.wastedBytes) ? o.wastedBytes : 0 };
}

// ---- evaluation -------------------------------------------------------------------------------------------

export interface Excess {
  budget: BudgetKey;
  line: number;
  message: string;
}

/** Per line: bytes now minus bytes in the baseline for the same instruction (new instructions: all their bytes). */
export function lineGrowth(report: LayerReport, baseline: Baseline, instructionAt: (line: number) => string): Map<number, number> {
  const before = new Map<string, number>();
  for (const l of baseline.lines) before.set(l.key, (before.get(l.key) ?? 0) + l.bytes);
  const out = new Map<number, number>();
  for (const l of report.lines) out.set(l.line, l.bytes - (before.get(instructionKey(instructionAt(l.line))) ?? 0));
  return out;
}

export function evaluateBudgets(report: LayerReport, budgets: Budgets, baseline: Baseline | undefined, instructionAt: (line: number) => string): Excess[] {
  const out: Excess[] = [];
  const fromLine = report.fromLine || 1;
  const over = (have: number, limit: number): string => `${formatBytes(have)}, over the budget of ${formatBytes(limit)} by ${formatBytes(have - limit)}`;
  if (budgets.total !== undefined && report.totalBytes > budgets.total) {
    out.push({ budget: 'total', line: fromLine, message: `image size ${over(report.totalBytes, budgets.total)}` });
  }
  if (budgets.layer !== undefined) {
    for (const l of report.layers) {
      if (l.bytes > budgets.layer) out.push({ budget: 'layer', line: l.line ?? fromLine, message: `layer of ${over(l.bytes, budgets.layer)}` });
    }
  }
  if (budgets.wasted !== undefined && report.wastedBytes > budgets.wasted) {
    const all = `the image wastes ${over(report.wastedBytes, budgets.wasted)}`;
    for (const l of report.lines) {
      if (l.wastedBytes > 0) {
        out.push({ budget: 'wasted', line: l.line, message: `${formatBytes(l.wastedBytes)} written here is removed or replaced later (${all})` });
      }
    }
  }
  if (budgets.growth !== undefined && baseline) {
    const grown = report.totalBytes - baseline.totalBytes;
    const limit = 'bytes' in budgets.growth ? budgets.growth.bytes : (baseline.totalBytes * budgets.growth.percent) / 100;
    if (grown > limit) {
      const pct = baseline.totalBytes > 0 ? ` (+${((grown / baseline.totalBytes) * 100).toFixed(1)}%)` : '';
      const limitText = 'bytes' in budgets.growth ? formatBytes(limit) : `${budgets.growth.percent}% (${formatBytes(limit)})`;
      const growth = [...lineGrowth(report, baseline, instructionAt)].filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
      const summary = `the image grew by ${formatBytes(grown)}${pct} since the baseline (${formatBytes(baseline.totalBytes)} → ${formatBytes(report.totalBytes)}), over the growth budget of ${limitText}`;
      if (growth.length === 0) out.push({ budget: 'growth', line: fromLine, message: summary });
      for (const [line, d] of growth.slice(0, 5)) out.push({ budget: 'growth', line, message: `+${formatBytes(d)} on this line: ${summary}` });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}
