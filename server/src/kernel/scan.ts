/**
 * A fast instruction scanner: the instruction boundaries dockerfile-ast's parser finds, without
 * building its objects (its instruction constructors tokenise every argument list several times,
 * which was about 40 % of a lint). It follows the parser's own character loop (parser.js
 * `processInstruction` / `processArguments` / `processComment`), quirks included, so the model is
 * the same either way; test/unit/scan.test.ts and test/properties/scan.ts compare both on the corpus and on generated input.
 *
 * Where only the library's argument tokeniser can tell (here-documents, ONBUILD triggers), the
 * scanner gives up and the caller parses with dockerfile-ast.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { LineIndex } from './text.js';

export interface ScannedInstr {
  /** Offsets in the text: the keyword's first character, the keyword's end, the instruction's end. */
  start: number;
  kwEnd: number;
  end: number;
  /** Upper-case keyword as dockerfile-ast reads it (escaped line breaks inside it removed). */
  keyword: string;
}

const SP = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const HASH = 35;

/** End of the comment starting at `i`: its line break (or the end of the text). */
function commentEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === CR || c === LF) return j;
  }
  return text.length;
}

/** dockerfile-ast's `processArguments`: where the arguments starting after `offset` end. */
function argumentsEnd(text: string, offset: number, esc: number): number {
  let escaped = false;
  const n = text.length;
  scan: for (let i = offset + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === CR || c === LF) {
      if (escaped) continue;
      return i;
    }
    if (c === esc) {
      const next = text.charCodeAt(i + 1);
      if (next === LF || next === CR) {
        escaped = true;
        i++;
      } else if (next === SP || next === TAB) {
        for (let j = i + 2; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === SP || d === TAB) continue;
          if (d === CR || d === LF) escaped = true;
          i = j; // the library skips the character after an escaped blank (see parseDockerfile)
          continue scan;
        }
        return n;
      }
      continue;
    }
    if (c === HASH) {
      if (escaped) {
        i = commentEnd(text, i);
        continue;
      }
    } else if (c !== SP && c !== TAB) escaped = false;
  }
  return n;
}

/** dockerfile-ast's `processInstruction` from the keyword's first character; null where it would need its tokeniser. */
function instructionAt(text: string, start: number, esc: number): ScannedInstr | null {
  const n = text.length;
  let keyword = text[start] as string;
  let kwEnd = -1;
  let escapedInstruction = false;
  const escChar = String.fromCharCode(esc);
  scan: for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === esc) {
      escapedInstruction = true;
      const next = text.charCodeAt(i + 1);
      if (next === CR || next === LF) {
        if (kwEnd === -1) kwEnd = i;
        i++;
      } else if (next === SP || next === TAB) {
        for (let j = i + 2; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === SP || d === TAB) continue;
          if (d === CR || d === LF) {
            i = j;
            continue scan;
          }
          kwEnd = i + 1;
          keyword += escChar;
          i = j - 2;
          continue scan;
        }
        kwEnd = i + 1;
        keyword += escChar;
        break scan;
      } else {
        kwEnd = i + 1;
        keyword += escChar;
        escapedInstruction = false;
      }
    } else if (c === SP || c === TAB) {
      if (escapedInstruction) {
        let j = i + 1;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === SP || d === TAB) continue;
          if (d === CR || d === LF) {
            i = j;
            continue scan;
          }
          break;
        }
        escapedInstruction = false;
      }
      if (kwEnd === -1) kwEnd = i;
      return make(text, start, kwEnd, argumentsEnd(text, i, esc), keyword);
    } else if (c === CR || c === LF) {
      if (escapedInstruction) continue;
      if (kwEnd === -1) kwEnd = i;
      return make(text, start, i, i, keyword);
    } else if (c === HASH && escapedInstruction) {
      continue;
    } else {
      kwEnd = i + 1;
      keyword += text[i] as string;
      escapedInstruction = false;
    }
  }
  if (kwEnd === -1) kwEnd = n;
  return make(text, start, kwEnd, n, keyword);
}

function make(text: string, start: number, kwEnd: number, end: number, word: string): ScannedInstr | null {
  const keyword = word.toUpperCase();
  if (keyword === 'ONBUILD') return null; // the trigger is the library tokeniser's first argument
  if ((keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && text.slice(start, end).includes('<<')) return null; // possible here-document
  return { start, kwEnd, end, keyword };
}

/**
 * The instructions of `text` (already prepared as `parseDockerfile` prepares it), parsing from
 * `from` (after the parser directives) with escape character `escape`; null when the scanner cannot tell.
 */
export function scanInstructions(text: string, from: number, escape: string): ScannedInstr[] | null {
  const esc = escape.charCodeAt(0);
  const out: ScannedInstr[] = [];
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SP || c === TAB || c === CR || c === LF) continue;
    if (c === HASH) {
      i = commentEnd(text, i);
      continue;
    }
    const ins = instructionAt(text, i, esc);
    if (!ins) return null;
    out.push(ins);
    i = ins.end;
  }
  return out;
}

/**
 * dockerfile-ast skips the character after an escaped blank (`\ `), so in `a \ \<newline>` it misses
 * the continuation Docker sees (and a fix would append into the middle of the command). Hide that
 * first escape from the parser: same length, so every offset stays valid; arguments are read from
 * the original text.
 */
export function withoutMissedEscapes(text: string, escape: string): string {
  const e = escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const missed = new RegExp(`(?<=[^\\r\\n])${e}(?=[ \\t]+${e}[ \\t]*(?:\\r|\\n|$))`, 'g');
  return missed.test(text) ? text.replace(missed, '_') : text;
}

/** The parser directives as dockerfile-ast reads them, from the leading comment block only: escape character and count. */
export function directivesOf(text: string): { escape: string; count: number } {
  if (!/^\s*#/.test(text)) return { escape: '\\', count: 0 };
  let end = 0;
  for (;;) {
    const nl = text.indexOf('\n', end);
    if (!/^\s*#/.test(text.slice(end, nl < 0 ? text.length : nl))) break;
    if (nl < 0) {
      end = text.length;
      break;
    }
    end = nl + 1;
  }
  const head = DockerfileParser.parse(text.slice(0, end));
  return { escape: head.getEscapeCharacter(), count: head.getDirectives().length };
}

/** The directives, then the fast scanner from where dockerfile-ast starts reading instructions; null when only the library can tell. */
export function scanDocument(text: string, lines: LineIndex): { escape: string; instrs: ScannedInstr[] } | null {
  const { escape, count } = directivesOf(text);
  const from = count > 0 ? lines.offsetAt({ line: count, character: 0 }) : text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const found = scanInstructions(withoutMissedEscapes(text, escape), from, escape);
  if (!found) return null;
  // Offsets as dockerfile-ast's positions give them back (never between the CR and LF of a line break).
  const norm = (o: number): number => (o > 0 && text.charCodeAt(o) === 10 && text.charCodeAt(o - 1) === 13 ? o - 1 : o);
  return { escape, instrs: found.map((f) => ({ start: norm(f.start), end: norm(f.end), kwEnd: norm(f.kwEnd), keyword: f.keyword })) };
}
