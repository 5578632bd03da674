/** Benchmark inputs: the real corpus (../shared/corpus) and multi-stage stress files built from it. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'files');

export function loadCorpus(): { name: string; text: string }[] {
  if (!fs.existsSync(corpusDir)) throw new Error(`corpus not found at ${corpusDir}`);
  return fs
    .readdirSync(corpusDir)
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(corpusDir, name), 'utf8') }));
}

/** Lines as `wc -l` counts them, plus a last line without a newline (a trailing newline starts no line). */
export const lineCount = (t: string): number => (t.match(/\n/g)?.length ?? 0) + (t.length > 0 && !t.endsWith('\n') ? 1 : 0);

/** Corpus files with a FROM, concatenated (each keeps its own stages) until `lines` lines. */
export function stressFile(corpus: readonly { text: string }[], lines: number): string {
  return joinParts(stressParts(corpus, lines));
}

/** The corpus files `stressFile` joins. */
export function stressParts(corpus: readonly { text: string }[], lines: number): string[] {
  const withFrom = corpus.filter((f) => /^\s*FROM\s/im.test(f.text));
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < lines; i++) {
    const t = (withFrom[i % withFrom.length] as { text: string }).text.replace(/\s+$/, '');
    parts.push(t);
    n += lineCount(t);
  }
  return parts;
}

const joinParts = (parts: readonly string[]): string => parts.join('\n\n') + '\n';

/** The same content cut into files of about `lines` lines each (whole corpus files, joined as `stressFile` joins them). */
export function partition(parts: readonly string[], lines: number): string[] {
  const groups: string[][] = [];
  let cur: string[] = [];
  let n = 0;
  for (const p of parts) {
    cur.push(p);
    n += lineCount(p) + 1;
    if (n >= lines) {
      groups.push(cur);
      cur = [];
      n = 0;
    }
  }
  // A short rest joins the last file rather than being a small file of its own.
  const last = groups[groups.length - 1];
  if (cur.length && n < lines / 2 && last) last.push(...cur);
  else if (cur.length) groups.push(cur);
  return groups.map(joinParts);
}

let unique = 0;
/** The text with a comment line nobody has seen, so no cache can answer. */
export function fresh(text: string): string {
  return `${text}# bench ${unique++} ${Math.random().toString(36).slice(2)}\n`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function stats(samples: readonly number[]): { p50: number; p95: number; total: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), total: samples.reduce((a, b) => a + b, 0) };
}

export const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Renders rows as a markdown table (also readable in a terminal). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
