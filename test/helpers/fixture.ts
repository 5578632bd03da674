/** Reading `# expect:` markers and rendering golden files for rule fixtures. */
import * as fs from 'node:fs';
import type { DetailedFinding, LintOptions } from '../../server/src/kernel/types.js';
import { buildModel, type Model } from '../../server/src/kernel/model.js';
import { updateGolden } from './paths.js';

export interface Expectation {
  /** 0-based start line of the instruction the marker is above. */
  line: number;
  ids: { rule: string; severity?: string }[];
}

export interface Fixture {
  text: string;
  rules: string[];
  options: LintOptions;
  expectations: Expectation[];
}

export function readFixture(file: string, ownRule: string): Fixture {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  const rules = [ownRule];
  const header = /^#\s*fixture-rules:\s*(.*)$/.exec(lines[0] ?? '');
  if (header) rules.push(...(header[1] ?? '').split(/[\s,]+/).filter(Boolean));
  let options: LintOptions = {};
  for (const l of lines.slice(0, 3)) {
    const m = /^#\s*lint-options:\s*(\{.*\})\s*$/.exec(l);
    if (m) options = JSON.parse(m[1] ?? '{}') as LintOptions;
  }
  const starts = new Set(buildModel(text).instrs.map((i) => i.line));
  const expectations: Expectation[] = [];
  lines.forEach((l, idx) => {
    const m = /^\s*#\s*expect:\s*(.*)$/.exec(l);
    if (!m) return;
    let next = idx + 1;
    while (next < lines.length && !starts.has(next)) next++;
    const ids = (m[1] ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => {
        const [rule = '', severity] = s.split(':');
        return { rule, severity };
      });
    expectations.push({ line: next, ids });
  });
  return { text, rules: [...new Set(rules)], options, expectations };
}

export function renderFindings(findings: readonly DetailedFinding[]): string {
  return findings
    .map(
      (f) =>
        `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.rule} ${f.severity} ${f.message}${f.fix ? `\n    fix${f.fix.safe ? '' : ' (unsafe)'}: ${f.fix.title}` : ''}`,
    )
    .join('\n');
}

/**
 * Compares with a golden file. A missing or different golden fails and leaves the actual output in
 * `<file>.new` for review (ruff's `.snap.new`); `UPDATE_GOLDEN=1` accepts it. Returns null when equal.
 */
export function checkGolden(file: string, actual: string): string | null {
  const pending = `${file}.new`;
  if (updateGolden) {
    fs.writeFileSync(file, actual);
    fs.rmSync(pending, { force: true });
    return null;
  }
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === actual) {
    fs.rmSync(pending, { force: true });
    return null;
  }
  fs.writeFileSync(pending, actual);
  const what = fs.existsSync(file) ? 'golden mismatch' : 'golden file missing';
  return `${what} for ${file}: review ${pending} (diff it), then accept it with UPDATE_GOLDEN=1`;
}

const models = new Map<string, Model>();

/** The 0-based start line of the instruction that contains a 0-based line (-1 outside any). */
export function instructionLine(text: string, line: number): number {
  let m = models.get(text);
  if (!m) {
    m = buildModel(text);
    models.set(text, m);
  }
  return m.instrs.find((i) => line >= i.line && line <= i.endLine)?.line ?? -1;
}
