/**
 * Extracts the shell script a RUN executes, exactly as Docker hands it to the shell:
 * line continuations (with the file's escape character) and comment lines inside the
 * instruction are removed. Every logical offset maps back to a document offset, so rules
 * can point at, and fixes can edit, the real text.
 */
import { parseShell, type Command, type Script, type Word } from './shell/parser.js';

export interface RunFlag {
  name: string;
  value: string;
  start: number;
  end: number;
}

export interface Mount {
  type: string;
  target: string;
}

export interface RunScript {
  /** shell: `RUN cmd`; exec: `RUN ["…"]`; heredoc: `RUN <<EOF` with the body as the script. */
  form: 'shell' | 'exec' | 'heredoc';
  script: Script;
  flags: RunFlag[];
  mounts: Mount[];
  /** Document offset where the script body starts (after flags). */
  bodyStart: number;
  /** Document offset of the end of the instruction. */
  end: number;
  /** logical offset -> document offset (length = script.src.length + 1). */
  map: Int32Array;
  /** For heredoc form: document offset of the line holding the closing delimiter. */
  heredocCloseLine?: number;
  /** True when a shell `-c` script inside an exec-form RUN was parsed. */
  execShell?: boolean;
  /**
   * Exec form with `-c`: document offset just after each logical character's JSON encoding
   * (`\"` is two characters, `\u00e9` six), so an insertion never lands inside an escape.
   */
  endMap?: Int32Array;
}

export interface Logical {
  src: string;
  map: Int32Array;
}

const LINE_BREAK = /\r\n?|\n/g;

/** `toLogical(…).src` without the offset map: most instructions are one plain line, copied as they are. */
export function logicalText(text: string, start: number, end: number, escape: string): string {
  const esc = escape.charCodeAt(0);
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === esc || c === 13) return toLogical(text, start, end, escape).src;
  }
  return text.slice(start, end);
}

/** Docker's view of a (possibly continued) instruction body from document offsets [start, end). */
export function toLogical(text: string, start: number, end: number, escape: string): Logical {
  // Copied in runs between escape characters and CRs (character by character, this was a tenth of a lint).
  const parts: string[] = [];
  const map = new Int32Array(Math.max(0, end - start) + 1);
  const esc = escape.charCodeAt(0);
  let n = 0;
  let i = start;
  while (i < end) {
    let j = i;
    for (let c = text.charCodeAt(j); j < end && c !== esc && c !== 13; c = text.charCodeAt(++j));
    if (j > i) {
      parts.push(text.slice(i, j));
      for (let k = i; k < j; k++) map[n++] = k;
      i = j;
      if (i >= end) break;
    }
    const c = text[i] as string;
    if (c === escape) {
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j >= end || text[j] === '\n' || text[j] === '\r') {
        // A continuation: drop it, then drop comment lines and empty lines that follow.
        i = text[j] === '\r' && text[j + 1] === '\n' ? j + 2 : j + 1;
        for (;;) {
          let k = i;
          while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
          if (k < end && text[k] === '#') {
            LINE_BREAK.lastIndex = k;
            const nl = LINE_BREAK.exec(text);
            i = !nl || nl.index >= end ? end : nl.index + nl[0].length;
          } else if (k < end && (text[k] === '\n' || text[k] === '\r')) {
            i = text[k] === '\r' && text[k + 1] === '\n' ? k + 2 : k + 1;
          } else break;
        }
        continue;
      }
    }
    // A lone CR ends a line for the parser too, so the shell must see a newline there (heredocs, comments).
    parts.push(c === '\r' ? (text[i + 1] === '\n' ? ' ' : '\n') : c);
    map[n++] = i;
    i++;
  }
  map[n++] = i;
  return { src: parts.join(''), map: map.slice(0, n) };
}

const FLAG = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?/;

function parseMounts(flags: RunFlag[]): Mount[] {
  const mounts: Mount[] = [];
  for (const f of flags) {
    if (f.name !== 'mount') continue;
    let type = 'bind';
    let target = '';
    for (const part of f.value.split(',')) {
      const [k, v = ''] = part.split('=');
      if (k === 'type') type = v;
      if (k === 'target' || k === 'dst' || k === 'destination') target = v;
    }
    mounts.push({ type, target });
  }
  return mounts;
}

/** Decodes the JSON string array of an exec-form RUN, keeping each character's offset. */
function execArgs(src: string): { value: string; offsets: number[]; start: number; end: number }[] | null {
  const out: { value: string; offsets: number[]; start: number; end: number }[] = [];
  let i = src.indexOf('[') + 1;
  for (;;) {
    while (i < src.length && /[\s,]/.test(src[i] ?? '')) i++;
    if (src[i] === ']') return out;
    if (src[i] !== '"') return null;
    const start = i;
    i++;
    let value = '';
    const offsets: number[] = [];
    while (i < src.length && src[i] !== '"') {
      if (src[i] === '\\') {
        const e = src[i + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"' };
        if (e === 'u') {
          value += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16) || 0);
          offsets.push(i);
          i += 6;
        } else {
          value += simple[e] ?? e;
          offsets.push(i);
          i += 2;
        }
      } else {
        value += src[i];
        offsets.push(i);
        i++;
      }
    }
    if (i >= src.length) return null;
    offsets.push(i);
    i++;
    out.push({ value, offsets, start, end: i });
  }
}

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh|ksh)$/;

export interface HeredocInfo {
  contentStart: number;
  contentEnd: number;
  closeLineStart: number;
}

/**
 * Builds the RunScript for an instruction body. `bodyFrom`..`end` are document offsets of
 * the text after the RUN keyword; `heredoc` is the first here-document, if any.
 */
export function buildRunScript(text: string, bodyFrom: number, end: number, escape: string, heredoc: HeredocInfo | null): RunScript {
  const logical = toLogical(text, bodyFrom, end, escape);
  let src = logical.src;
  let k = 0;
  const flags: RunFlag[] = [];
  for (;;) {
    while (k < src.length && /\s/.test(src[k] ?? '')) k++;
    const m = FLAG.exec(src.slice(k, k + 4096));
    if (!m) break;
    flags.push({ name: m[1] ?? '', value: m[2] ?? '', start: logical.map[k] ?? bodyFrom, end: (logical.map[k + m[0].length - 1] ?? bodyFrom) + 1 });
    k += m[0].length;
  }
  const bodyStart = logical.map[k] ?? end;
  const mounts = parseMounts(flags);
  const rest = src.slice(k);
  const restMap = logical.map.subarray(k);

  if (heredoc && /^<<-?["']?[A-Za-z_]/.test(rest)) {
    // The here-document is the script: map its body 1:1 (Docker does no escape processing there).
    const body = text.slice(heredoc.contentStart, heredoc.contentEnd);
    const map = new Int32Array(body.length + 1);
    for (let j = 0; j <= body.length; j++) map[j] = heredoc.contentStart + j;
    const script = parseShell(body.replace(/\r(?!\n)/g, '\n').replace(/\r/g, ' '));
    // A here-document inside the here-document script whose body never comes: a new line would become its data.
    if (script.pendingHeredoc) script.unterminated = true;
    return { form: 'heredoc', script, flags, mounts, bodyStart, end, map, heredocCloseLine: heredoc.closeLineStart };
  }
  if (heredoc) {
    // `RUN cat <<EOF > file`: the first line is the script, the body is data.
    const nl = rest.indexOf('\n');
    if (nl >= 0) src = rest.slice(0, nl);
    else src = rest;
  } else {
    src = rest;
  }

  if (/^\[/.test(src.trim())) {
    const args = execArgs(src);
    if (args) {
      const dashC = args.findIndex((a) => a.value === '-c');
      if (args.length >= 3 && SHELLS.test(args[0]?.value ?? '') && dashC >= 1 && args[dashC + 1]) {
        const a = args[dashC + 1] as { value: string; offsets: number[] };
        const map = Int32Array.from(a.offsets.map((o) => restMap[o] ?? end));
        const endMap = Int32Array.from(a.offsets.slice(1).map((o) => (restMap[o - 1] ?? end - 1) + 1));
        return { form: 'exec', execShell: true, script: parseShell(a.value), flags, mounts, bodyStart, end, map, endMap };
      }
      // A plain exec form: one command whose words are the array elements.
      const words: Word[] = args.map((a) => ({ raw: src.slice(a.start, a.end), value: a.value, start: a.start, end: a.end, quoted: true, dynamic: false }));
      const command: Command = {
        words,
        assigns: [],
        redirects: [],
        start: words[0]?.start ?? 0,
        end: words[words.length - 1]?.end ?? 0,
        before: null,
        after: null,
        depth: 0,
        subshell: false,
        condition: false,
      };
      const script: Script = { src, commands: words.length ? [command] : [], contentEnd: src.length };
      return { form: 'exec', script, flags, mounts, bodyStart, end, map: Int32Array.from(restMap.subarray(0, src.length + 1)) };
    }
  }
  const map = Int32Array.from(restMap.subarray(0, src.length + 1));
  if (map.length < src.length + 1) {
    const full = new Int32Array(src.length + 1);
    full.set(map);
    full[src.length] = end;
    return { form: 'shell', script: parseShell(src), flags, mounts, bodyStart, end, map: full };
  }
  return { form: 'shell', script: parseShell(src), flags, mounts, bodyStart, end, map };
}

/** Document offset of a logical start offset. */
export function docStart(run: RunScript, logical: number): number {
  return run.map[Math.max(0, Math.min(logical, run.map.length - 1))] ?? run.end;
}

/** Document offset just after the character at logical offset `logicalEnd - 1`. */
export function docEnd(run: RunScript, logicalEnd: number): number {
  if (logicalEnd <= 0) return docStart(run, 0);
  if (run.endMap && run.endMap.length > 0) return run.endMap[Math.min(logicalEnd - 1, run.endMap.length - 1)] ?? run.end;
  return (run.map[Math.min(logicalEnd - 1, run.map.length - 1)] ?? run.end - 1) + 1;
}
