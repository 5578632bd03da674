/**
 * The robustness properties of the engine, as one function returning the violations for a text
 * (empty = fine). Shared by the fast unit properties, the slow robust run and the regressions.
 */
import { applyEdits, buildModel, lintDetailed, type DetailedFinding } from '../../server/src/engine/index.js';
import { checkConvergence } from './convergence.js';

export interface CheckOptions {
  /** Also run fix and check idempotence and preservation (costlier). */
  fix?: boolean;
  unsafe?: boolean;
}

/** Lines as an LSP client counts them (`\r\n`, `\r` and `\n` all end a line). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function isInside(text: string, lines: string[], f: DetailedFinding): string | null {
  const n = lines.length;
  if (!(f.line >= 1 && f.line <= n && f.endLine >= 1 && f.endLine <= n)) return `line out of range ${f.line}-${f.endLine} of ${n}`;
  const len = (l: number): number => (lines[l - 1] ?? '').length;
  if (!(f.column >= 1 && f.column <= len(f.line) + 1)) return `column ${f.column} outside line ${f.line} (length ${len(f.line)})`;
  if (!(f.endColumn >= 1 && f.endColumn <= len(f.endLine) + 1)) return `endColumn ${f.endColumn} outside line ${f.endLine} (length ${len(f.endLine)})`;
  if (f.line > f.endLine || (f.line === f.endLine && f.column > f.endColumn)) return `start after end ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;
  if (!(f.start >= 0 && f.start <= f.end && f.end <= text.length)) return `offsets ${f.start}-${f.end} outside 0-${text.length}`;
  return null;
}

const splitsPair = (text: string, o: number): boolean =>
  o > 0 &&
  o < text.length &&
  ((text[o - 1] === '\r' && text[o] === '\n') || (/[\uD800-\uDBFF]/.test(text[o - 1] as string) && /[\uDC00-\uDFFF]/.test(text[o] as string)));

function checkFixEdits(text: string, f: DetailedFinding): string | null {
  const edits = [...(f.fixDetail?.edits ?? [])].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const e of edits) {
    if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end && e.end <= text.length)) {
      return `edit ${e.start}-${e.end} outside 0-${text.length}`;
    }
    if (typeof e.text !== 'string') return 'edit text is not a string';
    if (splitsPair(text, e.start) || splitsPair(text, e.end)) return `edit ${e.start}-${e.end} splits a CRLF or surrogate pair`;
  }
  for (let i = 1; i < edits.length; i++) {
    const a = edits[i - 1]!;
    const b = edits[i]!;
    if (a.end > b.start) return `edits overlap: ${a.start}-${a.end} and ${b.start}-${b.end}`;
  }
  // Applying from the end (what applyEdits does) must equal applying in one left-to-right pass.
  let pass = '';
  let at = 0;
  for (const e of edits) {
    pass += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  pass += text.slice(at);
  if (applyEdits(text, edits) !== pass) return 'edits do not apply cleanly';
  return null;
}

/**
 * Every word of every RUN script, as the shell sees it (so exec-form JSON escaping and line
 * continuations do not matter). `-ldflags` values are normalised without `-s`/`-w`, which DS009 adds.
 */
export function runWords(text: string, skipChown = false): Set<string> {
  const words = new Set<string>();
  for (const ins of buildModel(text).instrs) {
    for (const c of ins.run?.script.commands ?? []) {
      // DS015 replaces `RUN chown/chmod` of copied files by `COPY --chown/--chmod`: those words go by design.
      if (skipChown && /^(chown|chmod)$/.test(c.words[0]?.value ?? '')) continue;
      for (const w of c.words) {
        if (w.value.length > 0) words.add(normaliseWord(w.value));
      }
    }
  }
  return words;
}

const DEB_FALLBACK = new Set(['dpkg', '-i', '--install', '-f', '-fy', '-yf', '-f -y', '--fix-broken', '-y', '-qq', '-q']);

/** DS009 adds `-s -w` inside `-ldflags` values: compare multi-part words without those. */
function normaliseWord(w: string): string {
  if (!/\s/.test(w) && !/(^|=)-[sw]$/.test(w)) return w;
  return w
    .replace(/=-[sw](?=\s|$)/g, '= ')
    .split(/\s+/)
    .filter((t) => t !== '' && t !== '-s' && t !== '-w')
    .join(' ')
    .replace(/= /g, '=');
}

/** Runs lint (and fix) on `text`; returns a list of property violations. Never throws. */
export function checkText(text: string, opts: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const lines = splitLines(text);
  for (const dockerignoreExists of [false, undefined]) {
    let findings: DetailedFinding[];
    try {
      findings = lintDetailed(text, { dockerignoreExists });
    } catch (e) {
      return [`lint threw: ${(e as Error).stack ?? String(e)}`];
    }
    for (const f of findings) {
      if (/^internal error/.test(f.message)) problems.push(`${f.rule}: ${f.message}`);
      const where = isInside(text, lines, f);
      if (where) problems.push(`${f.rule} range: ${where}`);
      const bad = f.fixDetail ? checkFixEdits(text, f) : null;
      if (bad) problems.push(`${f.rule} fix: ${bad}`);
    }
  }
  if (!opts.fix || problems.length) return problems;
  const options = { dockerignoreExists: false, unsafe: opts.unsafe ?? false };
  try {
    const once = checkConvergence(text, options);
    // Random texts: "nothing fixable left" may not hold after a fix that makes a new match, so only the
    // invariants that must hold on any input are kept here.
    problems.push(...once.problems.filter((p) => !p.startsWith('fixable left')));
    const kept = runWords(once.text);
    for (const w of runWords(text, once.applied.includes('DS015'))) {
      // DS005 replaces apk's `--update`/`-U` by `--no-cache` (which refreshes the index itself): gone by design.
      if (once.applied.includes('DS005') && (w === '--update' || w === '-U') && kept.has('--no-cache')) continue;
      // DS004 turns `dpkg -i x.deb || apt-get -f install -y` into `apt-get install ./x.deb`: dpkg and -f go by design.
      if (once.applied.includes('DS004') && DEB_FALLBACK.has(w) && [...kept].some((k) => k.endsWith('.deb'))) continue;
      if (!kept.has(w)) problems.push(`fix lost RUN word ${JSON.stringify(w)} (applied ${once.applied.join(',')})`);
    }
    for (const f of lintDetailed(once.text, { dockerignoreExists: true })) {
      if (/^internal error/.test(f.message)) problems.push(`after fix: ${f.rule}: ${f.message}`);
    }
  } catch (e) {
    problems.push(`fix threw: ${(e as Error).stack ?? String(e)}`);
  }
  return problems;
}
