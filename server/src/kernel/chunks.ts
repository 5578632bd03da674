/**
 * Stage chunks: a Dockerfile split at its FROM instructions, each chunk parsed on its own by
 * dockerfile-ast (which is superlinear on big files) and cached by its text, so an edit
 * re-parses one chunk. `ParsedDockerfile` reassembles the chunks into what `buildModel` reads,
 * with every position shifted to the whole document.
 *
 * A split is only kept where the chunk parse proves it is an instruction boundary: the next
 * chunk starts with FROM on its first line, and the previous one does not end inside a
 * continuation or an unterminated here-document. Otherwise the chunks are merged.
 */
import type { Instruction } from 'dockerfile-ast';
import { parseDockerfile } from './model.js';
import { directivesOf } from './scan.js';

export interface Span {
  /** Document offset and 0-based line where the chunk starts (a line start). */
  start: number;
  end: number;
  line: number;
}

export interface ParsedChunk {
  /** The chunk's own text (without the escape prefix). */
  text: string;
  /** Lines of the `# escape=` prefix put before the text when parsing it. */
  prefixLines: number;
  nodes: Instruction[];
  escape: string;
  /** Parsed as the start of the document (parser directives apply). */
  first: boolean;
  /** Starts with a FROM instruction on its first line. */
  startsWithFrom: boolean;
  /** Its last instruction may continue past the chunk's end. */
  openEnd: boolean;
}

export interface Chunk extends Span {
  parsed: ParsedChunk;
}

/** What `buildModel` needs from a parse: dockerfile-ast's `Dockerfile` or a chunked stand-in. */
export interface ParsedDockerfile {
  getEscapeCharacter(): string;
  getInstructions(): Instruction[];
}

const FROM_LINE = /^[ \t]*from(?:[ \t]|$)/i;
const HEREDOC = /<<(-?)[ \t]*(["']?)([A-Za-z0-9_.-]+)\2/g;

/** The escape character of the `# escape=` directive at the top of the file ('\\' by default). */
export function escapeOf(text: string): string {
  return directivesOf(text).escape;
}

/** Candidate chunk boundaries: lines starting a FROM instruction (outside continuations and here-documents). */
export function splitStages(text: string, escape: string): Span[] {
  const spans: Span[] = [];
  const esc = escape.charCodeAt(0);
  let start = 0;
  let startLine = 0;
  let continuing = false;
  const pending: { word: string; dash: boolean }[] = [];
  let nextLt = text.indexOf('<<');
  for (let pos = 0, line = 0; pos <= text.length; line++) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    let last = lineEnd; // end of the content, before trailing blanks and CR
    while (last > pos && (text.charCodeAt(last - 1) === 32 || text.charCodeAt(last - 1) === 9 || text.charCodeAt(last - 1) === 13)) last--;
    const here = pending[0];
    if (here) {
      const raw = text.slice(pos, lineEnd).replace(/\r$/, '');
      if ((here.dash ? raw.replace(/^\t+/, '') : raw) === here.word) pending.shift();
    } else {
      let first = pos;
      while (first < last && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
      const c = text.charCodeAt(first);
      if (first < last && c !== 35 /* # */) {
        if (!continuing && (c === 70 || c === 102) && pos > 0 && FROM_LINE.test(text.slice(pos, Math.min(lineEnd, first + 5)))) {
          spans.push({ start, end: pos, line: startLine });
          start = pos;
          startLine = line;
        }
        if (nextLt >= 0 && nextLt < first) nextLt = text.indexOf('<<', first);
        if (nextLt >= 0 && nextLt < lineEnd) for (const m of text.slice(pos, lineEnd).matchAll(HEREDOC)) pending.push({ word: m[3] ?? '', dash: m[1] === '-' });
        continuing = text.charCodeAt(last - 1) === esc;
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  spans.push({ start, end: text.length, line: startLine });
  return spans;
}

export function parseChunk(text: string, escape: string, first: boolean): ParsedChunk {
  const prefix = first || escape === '\\' ? '' : `# escape=${escape}\n`;
  const prefixLines = prefix ? 1 : 0;
  const nodes = parseDockerfile(prefix + text).getInstructions();
  const head = nodes[0];
  const startsWithFrom = !!head && head.getKeyword().toUpperCase() === 'FROM' && head.getRange().start.line === prefixLines;
  const last = nodes[nodes.length - 1];
  let openEnd = false;
  if (last) {
    try {
      const heredocs = (last as unknown as { getHeredocs?: () => { getDelimiterRange(): unknown }[] }).getHeredocs?.() ?? [];
      if (heredocs.some((h) => !h.getDelimiterRange())) openEnd = true;
    } catch {
      openEnd = true; // dockerfile-ast cannot tell (e.g. ONBUILD without a trigger): do not split after it
    }
    // Still continuing at the chunk's last line that is not blank or a comment: it would swallow the next FROM.
    const lines = text.split('\n');
    for (let l = lines.length - 1; l >= Math.max(0, last.getRange().start.line - prefixLines); l--) {
      const s = (lines[l] ?? '').replace(/^[ \t]+|[ \t\r]+$/g, '');
      if (s === '' || s.startsWith('#')) continue;
      openEnd ||= s.endsWith(escape);
      break;
    }
  }
  return { text, prefixLines, nodes, escape, first, startsWithFrom, openEnd };
}

/** Cache of parsed chunks by text (and escape character), pruned to what the last call used. */
export class ChunkCache {
  private map = new Map<string, ParsedChunk>();
  private used = new Map<string, ParsedChunk>();

  get(text: string, escape: string, first: boolean): ParsedChunk {
    const ok = (p: ParsedChunk | undefined): p is ParsedChunk => !!p && p.escape === escape && p.first === first;
    const a = this.used.get(text);
    const b = this.map.get(text);
    const hit = ok(a) ? a : ok(b) ? b : parseChunk(text, escape, first);
    this.used.set(text, hit);
    return hit;
  }

  /** Keeps only the chunks used since the last prune. */
  prune(): void {
    this.map = this.used;
    this.used = new Map();
  }
}

/** Splits and parses; merges chunks wherever the split is not a proven instruction boundary. */
export function chunkText(text: string, cache: ChunkCache = new ChunkCache()): { escape: string; chunks: Chunk[] } {
  const escape = escapeOf(text);
  // Lone CRs end lines for the parser but not for the scanner: keep such text whole.
  const spans = /\r(?!\n)/.test(text) ? [{ start: 0, end: text.length, line: 0 }] : splitStages(text, escape);
  const chunks: Chunk[] = [];
  for (const span of spans) {
    let cur: Span = span;
    let parsed = cache.get(text.slice(cur.start, cur.end), escape, cur.start === 0);
    const prev = chunks[chunks.length - 1];
    if (prev && (prev.parsed.openEnd || !parsed.startsWithFrom)) {
      chunks.pop();
      cur = { start: prev.start, end: span.end, line: prev.line };
      parsed = cache.get(text.slice(cur.start, cur.end), escape, cur.start === 0);
    }
    chunks.push({ ...cur, parsed });
  }
  cache.prune();
  return { escape, chunks };
}

type Shift = (line: number) => number;

/** Wraps a dockerfile-ast object so every position it returns is in document lines. */
function shifted<T>(value: T, shift: Shift, seen: WeakMap<object, unknown>): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => shifted(v, shift, seen)) as T;
  const obj = value as Record<string, unknown>;
  if (typeof obj.line === 'number' && typeof obj.character === 'number' && Object.keys(obj).length === 2) {
    return { line: shift(obj.line), character: obj.character } as T;
  }
  if (Object.getPrototypeOf(obj) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = shifted(v, shift, seen);
    return out as T;
  }
  const hit = seen.get(obj);
  if (hit) return hit as T;
  const proxy = new Proxy(obj, {
    get(target, prop, receiver): unknown {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => shifted((v as (...a: unknown[]) => unknown).apply(target, args), shift, seen);
    },
  });
  seen.set(obj, proxy);
  return proxy as T;
}

/** The last document-positioned view of each chunk's instructions (chunks mostly keep their place between edits). */
const lastMoved = new WeakMap<ParsedChunk, { delta: number; nodes: (Instruction | undefined)[]; seen: WeakMap<object, unknown> }>();

/** The instructions of some chunks (in order), positioned in the whole document. */
export function instructionsOf(chunks: readonly Chunk[], filter?: (chunk: Chunk, node: Instruction, index: number) => boolean): Instruction[] {
  const out: Instruction[] = [];
  for (const c of chunks) {
    const delta = c.line - c.parsed.prefixLines;
    let moved = lastMoved.get(c.parsed);
    if (!moved || moved.delta !== delta) {
      moved = { delta, nodes: delta === 0 ? c.parsed.nodes : [], seen: new WeakMap<object, unknown>() };
      lastMoved.set(c.parsed, moved);
    }
    const { nodes, seen } = moved;
    // Wrapped on first use: a partial model takes few of a chunk's instructions.
    c.parsed.nodes.forEach((n, i) => {
      if (!filter || filter(c, n, i)) out.push((nodes[i] ??= shifted(n, (l) => l + delta, seen)));
    });
  }
  return out;
}

/** A `ParsedDockerfile` made of chunks (all of them, or the instructions `filter` keeps). */
export function parsedFromChunks(
  escape: string,
  chunks: readonly Chunk[],
  filter?: (chunk: Chunk, node: Instruction, index: number) => boolean,
): ParsedDockerfile {
  return { getEscapeCharacter: () => escape, getInstructions: () => instructionsOf(chunks, filter) };
}

/** Parses a whole document chunk by chunk (same instructions as one parse, linear time). */
export function parseChunked(text: string, cache?: ChunkCache): ParsedDockerfile {
  const { escape, chunks } = chunkText(text, cache);
  return parsedFromChunks(escape, chunks);
}
