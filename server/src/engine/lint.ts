/**
 * The engine's two operations. `lint` runs every enabled rule over the model; `fix` applies
 * non-conflicting fixes round by round until nothing fixable is left, so fix(fix(x)) == fix(x).
 */
import { rules } from '../rules/index.js';
import { fixTitle, type Rule } from '../kernel/rule.js';
import { buildModel, scannedModel, unclosedHeredocs, type Model } from '../kernel/model.js';
import { ChunkCache, chunkText, parsedFromChunks } from '../kernel/chunks.js';
import { readSuppressions } from '../kernel/suppress.js';
import type { CreateFile, DetailedFinding, Edit, Finding, FixOptions, FixResult, LintOptions, Severity } from '../kernel/types.js';

const hadolintMap = new Map<string, string[]>();
for (const r of rules) for (const dl of r.hadolint ?? []) hadolintMap.set(dl, [...(hadolintMap.get(dl) ?? []), r.id]);

/** Files larger than this are not analysed (a clear message instead of a stalled editor). */
export const MAX_TEXT_LENGTH = 5 * 1024 * 1024;

export function enabledRules(options: LintOptions = {}): Rule[] {
  return rules.filter((r) => options.rules?.[r.id] !== 'off');
}

function severityFor(rule: Rule, options: LintOptions, shipped: boolean, quiet = false): Severity {
  const set = options.rules?.[rule.id];
  const chosen = set && set !== 'off' && set !== 'default' ? set : undefined;
  if (rule.stageAware && !shipped) return 'hint';
  return chosen ?? (quiet ? 'hint' : rule.severity);
}

const LONE_CR = /\r(?!\n)/;

/** Where an unterminated here-document starts swallowing the rest of the file; text added there would be inside it. */
function openHeredocAt(model: Model): number {
  let at = Infinity;
  for (const ins of model.instrs) {
    if (!model.text.slice(ins.start, ins.end).includes('<<')) continue; // no here-document possible: skip the re-scan
    for (const h of unclosedHeredocs(ins.ast)) at = Math.min(at, model.lines.offsetAt(h.getNameRange().end));
  }
  return at;
}

/**
 * Where a last instruction left open by a trailing escape (`RUN a | \` at the end of the file) starts: new
 * lines added from there on would be read as its continuation (a converted stage swallowed by the RUN).
 */
function danglingAt(model: Model): number {
  const last = model.instrs[model.instrs.length - 1];
  if (!last) return Infinity;
  // Blank and comment lines do not end a continuation: look at the last line that is neither.
  const lines = model.text.slice(last.start).split(/\r\n|\r|\n/);
  const code = lines.filter((l, i) => i === 0 || (l.trim() !== '' && !l.trim().startsWith('#')));
  return (code[code.length - 1] ?? '').trimEnd().endsWith(model.escape) ? last.start : Infinity;
}

/** An offset between the CR and LF of a line break belongs to no line: move it before the CR. */
function notInCrlf(text: string, o: number): number {
  return o > 0 && text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10 ? o - 1 : o;
}

/** In the text, not splitting a CRLF, and not adding lines inside an unterminated here-document. */
function editAllowed(text: string, e: Edit, openHeredoc: number, dangling = Infinity): boolean {
  if (!(e.start >= 0 && e.end >= e.start && e.end <= text.length)) return false;
  if (e.start >= dangling && /[\r\n]/.test(e.text)) return false;
  if (notInCrlf(text, e.start) !== e.start || notInCrlf(text, e.end) !== e.end) return false;
  return e.end < openHeredoc || (e.end === openHeredoc && !/[\r\n]/.test(e.text));
}

/**
 * Fix budgets: past them a finding is reported without a fix rather than with a huge one (issue 17:
 * 2,000 hostile lines made SARIF output reach 1.75 GB). Real files stay far below both.
 */
export const MAX_FIX_EDITS = 256;
export const MAX_TOTAL_EDIT_CHARS = 4 * 1024 * 1024;

/**
 * Lints a parsed model (exposed for adapters that cache models): findings of every enabled rule; `raw`
 * skips the rules' `combine` step (the incremental linter combines after joining the stage groups' findings).
 */
export function lintModel(model: Model, options: LintOptions = {}, raw = false): DetailedFinding[] {
  const out: DetailedFinding[] = [];
  let editChars = 0;
  const withinBudget = (edits: readonly Edit[]): boolean => {
    if (edits.length > MAX_FIX_EDITS) return false;
    const chars = edits.reduce((n, e) => n + e.text.length + 32, 0);
    if (editChars + chars > MAX_TOTAL_EDIT_CHARS) return false;
    editChars += chars;
    return true;
  };
  const openHeredoc = openHeredocAt(model);
  const dangling = danglingAt(model);
  const loneCrs = LONE_CR.test(model.text);
  const sup = readSuppressions(model, hadolintMap);
  for (const rule of enabledRules(options)) {
    if (sup.global.has(rule.id)) continue;
    const ctx = {
      model,
      options,
      report(r: import('../kernel/rule.js').Report): void {
        if (sup.byLine.get(r.instr.line)?.has(rule.id)) return;
        const start = notInCrlf(model.text, Math.max(0, Math.min(r.start, model.text.length)));
        const end = notInCrlf(model.text, Math.max(start, Math.min(r.end, model.text.length)));
        const a = model.lines.positionAt(start);
        const b = model.lines.positionAt(end);
        const shipped = r.instr.stage === null || r.instr.stage.shipped;
        const f: DetailedFinding = {
          rule: rule.id,
          name: rule.name,
          severity: severityFor(rule, options, shipped, !!r.quiet),
          message: r.message,
          line: a.line + 1,
          column: a.character + 1,
          endLine: b.line + 1,
          endColumn: b.character + 1,
          start,
          end,
          instrLine: r.instr.line,
        };
        if (rule.stageAware && !shipped) f.unshipped = true;
        if (rule.focus) f.focus = rule.focus;
        // An open quote or substitution in the RUN, or a lone CR in the instruction (a line break for the
        // parser, none for Docker): no edit position in it can be trusted.
        const untrusted = !!r.instr.run?.script.unterminated || (loneCrs && LONE_CR.test(model.text.slice(r.instr.start, r.instr.end)));
        if (r.fix && !untrusted && r.fix.edits.every((e) => editAllowed(model.text, e, openHeredoc, dangling)) && withinBudget(r.fix.edits)) {
          f.fix = { title: fixTitle(r.fix), safe: r.fix.safe };
          f.fixDetail = r.fix;
        }
        const alts = untrusted ? [] : (r.alternatives ?? []).filter((a) => a.edits.every((e) => editAllowed(model.text, e, openHeredoc, dangling)));
        if (alts.length) f.alternatives = alts;
        out.push(f);
      },
    };
    if (model.text.length > MAX_TEXT_LENGTH) break;
    try {
      rule.check(ctx);
    } catch (e) {
      // A bug in one rule must not take down the editor: report it as a finding of its own.
      const msg = e instanceof Error ? e.message : String(e);
      out.push({
        rule: rule.id,
        name: rule.name,
        severity: 'hint',
        message: `internal error in ${rule.id}: ${msg}`,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        start: 0,
        end: 0,
        instrLine: 0,
        ruleCrashed: true,
      });
    }
  }
  out.sort((x, y) => x.start - y.start || x.rule.localeCompare(y.rule));
  return raw ? out : combineFindings(out);
}

/** Applies every rule's `combine` to its findings (order kept). */
export function combineFindings(findings: readonly DetailedFinding[]): DetailedFinding[] {
  let out = findings as DetailedFinding[];
  for (const rule of rules) {
    if (!rule.combine) continue;
    const idx: number[] = [];
    findings.forEach((f, i) => f.rule === rule.id && !f.ruleCrashed && idx.push(i));
    if (idx.length === 0) continue;
    const combined = rule.combine(idx.map((i) => findings[i] as DetailedFinding));
    if (out === findings) out = [...findings];
    idx.forEach((i, k) => (out[i] = combined[k] as DetailedFinding));
  }
  return out;
}

/**
 * Where the scanner cannot read the text, from this size on it is parsed stage by stage (kernel/chunks.ts):
 * dockerfile-ast's comment organisation is comments × stages on a whole file. Both parses give the same
 * model (test/unit/incremental.test.ts).
 */
export const CHUNKED_PARSE_FROM = 32 * 1024;

export function lintDetailed(text: string, options: LintOptions = {}): DetailedFinding[] {
  if (text.length > MAX_TEXT_LENGTH) return [];
  return lintModel(modelOf(text), options);
}

/** The fast scanner's model when it can read the text (kernel/scan.ts); else dockerfile-ast's, chunked for big files. */
export function modelOf(text: string): Model {
  if (text.length < CHUNKED_PARSE_FROM) return buildModel(text);
  const fast = scannedModel(text);
  if (fast) return fast;
  const { escape, chunks } = chunkText(text, new ChunkCache());
  return buildModel(text, parsedFromChunks(escape, chunks));
}

/** The contract's `lint`: plain findings. */
export function lint(text: string, options: LintOptions = {}): Finding[] {
  return lintDetailed(text, options).map(({ rule, severity, message, line, column, endLine, endColumn, fix }) => {
    const f: Finding = { rule, severity, message, line, column, endLine, endColumn };
    if (fix) f.fix = fix;
    return f;
  });
}

/** Applies edits (already checked not to overlap) to text. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Two edits conflict when their ranges overlap or touch (inserting at the same point is ambiguous). */
function conflicts(a: Edit, b: Edit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * Can fix-all, Optimize and `fix` apply this finding's fix? Only fixes in stages that ship: a builder
 * stage's files do not reach the image, so editing it can only risk the build (a quick fix still can).
 */
export function autoFixable(f: DetailedFinding, options: FixOptions = {}): boolean {
  return !!f.fixDetail && !f.unshipped && (f.fixDetail.safe || !!options.unsafe) && (!options.only || options.only.includes(f.rule));
}

/** Picks the findings whose fixes can be applied together in one round. */
export function selectFixes(findings: readonly DetailedFinding[], options: FixOptions = {}): DetailedFinding[] {
  const chosen: DetailedFinding[] = [];
  const taken: Edit[] = [];
  const order = new Map(rules.map((r, i) => [r.id, i]));
  const candidates = findings.filter((f) => autoFixable(f, options)).sort((a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0) || a.start - b.start);
  for (const f of candidates) {
    const edits = f.fixDetail?.edits ?? [];
    if (edits.some((e) => taken.some((t) => conflicts(e, t)))) continue;
    if (edits.some((e, i) => edits.some((o, j) => i < j && conflicts(e, o)))) continue;
    taken.push(...edits);
    chosen.push(f);
  }
  return chosen;
}

export function fix(text: string, options: FixOptions = {}): FixResult {
  const applied: string[] = [];
  const createFiles: CreateFile[] = [];
  let cur = text;
  for (let round = 0; round < 12; round++) {
    const findings = lintDetailed(cur, options);
    const chosen = selectFixes(findings, options);
    const edits = chosen.flatMap((f) => f.fixDetail?.edits ?? []);
    for (const f of chosen) {
      const cf = f.fixDetail?.createFile;
      const same = cf && createFiles.findIndex((c) => c.path === cf.path);
      if (cf && same === -1) {
        createFiles.push(cf);
        applied.push(f.rule);
      } else if (cf?.append && typeof same === 'number' && same >= 0) {
        // DS017 adds to the file DS012 creates: one file with both.
        const prev = createFiles[same] as CreateFile;
        if (!prev.content.includes(cf.content)) createFiles[same] = { ...prev, content: `${prev.content}${cf.content}` };
        applied.push(f.rule);
      }
    }
    if (edits.length === 0) break;
    cur = applyEdits(cur, edits);
    for (const f of chosen) if ((f.fixDetail?.edits.length ?? 0) > 0) applied.push(f.rule);
    if (chosen.some((f) => f.fixDetail?.createFile)) options = { ...options, dockerignoreExists: true, context: undefined };
  }
  return { text: cur, applied, createFiles };
}
