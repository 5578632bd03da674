/**
 * Output that cannot command its reader. Text that came from a repository (file names, words quoted
 * from a Dockerfile, file names inside an image) is printed to terminals and CI logs, where a newline
 * followed by `::error::` becomes a GitHub Actions workflow command and an ESC starts a terminal
 * control sequence. Every printed fragment of such text goes through `oneLine`, and every printed line
 * through `safeLine`; markdown output additionally through `markdownText`.
 */

/**
 * C0 controls (including TAB, LF and CR), DEL, C1 controls (0x9b is a one-byte CSI), the Unicode line
 * and paragraph separators, and the bidirectional overrides and isolates (a reader would see text in
 * another order than the bytes say).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when `s` holds a character that `oneLine` would replace. */
export function hasUnsafeChars(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * One printable line from untrusted text: newlines, control characters and terminal escapes become
 * visible escapes (`\n`, `\e`, `\x07`), so the fragment can neither start a new line nor move the cursor.
 */
export function oneLine(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** A line whose first non-blank characters a CI runner would read as a command (`::x::`, `##[x]`, `##vso[`). */
const COMMAND_START = /^(\s*)(::|##\[|##vso\[)/;

/**
 * A whole output line that is safe to print: untrusted characters escaped as in `oneLine`, and a line
 * that would start like a workflow command gets a leading backslash (`\::error::…`).
 */
export function safeLine(line: string): string {
  const one = oneLine(line);
  return COMMAND_START.test(one) ? one.replace(COMMAND_START, '$1\\$2') : one;
}

/** `safeLine` for each line of text the program wrote itself (usage text, multi-line messages). */
export function safeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => safeLine(l))
    .join('\n');
}

/**
 * A path for display: escaped as in `oneLine`, and a relative path that starts with `-`, `:` or `#`
 * gets `./` in front (the same file, but it cannot pass for an option or a command).
 */
export function displayPath(p: string): string {
  const one = oneLine(p);
  return /^\s*[-:#]/.test(one) && one !== '-' ? `./${one}` : one;
}

/** Untrusted text inside markdown: one line, with markdown and HTML syntax characters escaped. */
export function markdownText(s: string): string {
  return oneLine(s).replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

const JSON_RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON text (from JSON.stringify) with the characters JSON.stringify leaves raw — DEL, C1 controls,
 * line separators, bidi controls — written as `\uXXXX` escapes: the same value, nothing a terminal acts on.
 */
export function jsonText(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /(?!\r\n)[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Multi-line text for a terminal (a file's whole content, as `fix --stdout` prints it): line breaks and
 * tabs kept, every other control character (ESC, BEL, C1) escaped as in `oneLine`.
 */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROL, escapeChar);
}

/**
 * Another program's output passed through line by line (`docker build` under `layers --build`): each line as
 * `safeLine` makes it, so a build step cannot print `::add-mask::`, `::error ...::` or a terminal escape through us.
 * A line longer than 64 KB is cut into pieces; `end` writes what is left.
 */
export function safeLineWriter(write: (s: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  const emit = (line: string): void => write(`${safeLine(line)}\n`);
  return {
    push(chunk) {
      pending += chunk;
      const parts = pending.split(/\r\n|\r|\n/);
      pending = parts.pop() ?? '';
      for (const l of parts) emit(l);
      while (pending.length > 65536) {
        emit(pending.slice(0, 65536));
        pending = pending.slice(65536);
      }
    },
    end() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}
