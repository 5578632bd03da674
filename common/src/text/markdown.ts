/**
 * Fragments from a Dockerfile, an image or a package index inside hover markdown (issue 27): never an image, a link,
 * HTML, a heading or a table cell break, whatever the fragment holds (`x)![](https://…/b.png)`, blank lines in a
 * file name inside an image, backticks that would close a code span or fence).
 */
import { oneLine } from './sanitize.js';

/**
 * Inline text: one line (controls escaped as `oneLine` does), every ASCII punctuation character backslash-escaped
 * (CommonMark allows that for all of them), so no `[`, `!`, `<`, `|`, `:` (autolinks) or `&` (entities) acts.
 */
export function hoverText(s: string): string {
  return oneLine(s).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** The longest run of backticks in `s`. */
function longestTicks(s: string): number {
  let max = 0;
  for (const m of s.matchAll(/`+/g)) max = Math.max(max, m[0].length);
  return max;
}

/** An inline code span of `s` (one line), fenced by more backticks than it holds; `|` escaped for table cells. */
export function hoverCode(s: string): string {
  const one = oneLine(s).replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestTicks(one) + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** A fenced code block of `s` whose fence is longer than any backtick run inside (VS Code's appendCodeblock is not). */
export function hoverCodeBlock(s: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestTicks(s) + 1));
  return `\n${fence}${language}\n${s.replace(/\r\n?/g, '\n')}\n${fence}\n`;
}
