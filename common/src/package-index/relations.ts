/** Debian relation fields (Depends, Recommends, Provides). */
import type { Clause } from './types.js';

/** `libc6 (>= 2.34), perl:any | foo [amd64] <!nocheck>` → [['libc6'], ['perl', 'foo']]. */
export function parseRelations(field: string): Clause[] {
  const out: Clause[] = [];
  if (!field) return out;
  let alts: string[] = [];
  const len = field.length;
  let i = 0;
  while (i < len) {
    // Skip spaces, then read a name; skip everything up to the next `|` or `,`.
    while (i < len && field.charCodeAt(i) === 32) i++;
    const start = i;
    while (i < len) {
      const c = field.charCodeAt(i);
      if (c === 32 || c === 40 || c === 58 || c === 44 || c === 124 || c === 91 || c === 60 || c === 9) break;
      i++;
    }
    if (i > start) alts.push(field.slice(start, i).toLowerCase());
    while (i < len && field.charCodeAt(i) !== 44 && field.charCodeAt(i) !== 124) i++;
    if (i >= len || field.charCodeAt(i) === 44) {
      if (alts.length) out.push(alts);
      alts = [];
    }
    i++;
  }
  return out;
}
