/**
 * Parses Debian/Ubuntu `Packages` indexes (deb822 paragraphs) into an IndexBuilder. One pass
 * over the text; only the fields the resolver needs are sliced out.
 */
import { parseRelations } from './relations.js';
import type { IndexBuilder } from './compact.js';

/** Thrown for input that is not a Packages index (HTML, binary, empty, garbage). */
export class IndexFormatError extends Error {}

const FIELDS = ['Package', 'Installed-Size', 'Priority', 'Essential', 'Depends', 'Pre-Depends', 'Recommends', 'Provides'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Adds every paragraph of `text` to `builder`; returns how many packages it read. Throws
 * IndexFormatError when the text is not a Packages index at all.
 */
export function parseDebianPackages(text: string, builder: IndexBuilder): number {
  const head = text.slice(0, 512).trimStart();
  if (head.startsWith('<') || /<html|<!doctype/i.test(head)) throw new IndexFormatError('the answer is an HTML page, not a Packages index');
  if (text.includes('\0')) throw new IndexFormatError('the index contains binary data (corrupt or not decompressed)');
  if (text.length > 0 && !text.endsWith('\n')) throw new IndexFormatError('the index is truncated (it does not end with a complete line)');
  let count = 0;
  let cur: Partial<Record<Field, string>> = {};
  let lastField: Field | null = null;
  const flush = (): void => {
    const name = cur.Package;
    if (name) {
      const pre = cur['Pre-Depends'];
      const dep = cur.Depends;
      builder.add({
        name: name.toLowerCase(),
        kib: Number(cur['Installed-Size'] ?? 0) || 0,
        priority: (cur.Priority ?? '').toLowerCase(),
        essential: (cur.Essential ?? '').toLowerCase() === 'yes',
        depends: pre && dep ? `${pre}, ${dep}` : (pre ?? dep ?? ''),
        recommends: cur.Recommends ?? '',
        provides: parseRelations(cur.Provides ?? '').map((c) => c[0] as string),
      });
      count++;
    }
    cur = {};
    lastField = null;
  };
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    const c = text.charCodeAt(pos);
    if (nl === pos || (c === 13 && nl === pos + 1)) {
      flush();
    } else if (c === 32 || c === 9) {
      // Continuation line: only relation fields matter (rarely folded).
      if (lastField) cur[lastField] += ' ' + text.slice(pos, nl).trim();
    } else {
      lastField = null;
      // Dispatch on the first letter: most lines (Version, Filename, SHA256, Description…) are skipped unsliced.
      const field =
        c === 80 || c === 73 || c === 69 || c === 68 || c === 82
          ? FIELDS.find((f) => text.startsWith(f, pos) && text.charCodeAt(pos + f.length) === 58)
          : undefined;
      if (field) {
        lastField = field;
        cur[field] = text.slice(pos + field.length + 1, nl).trim();
      } else if (count === 0 && !cur.Package && !/^[A-Za-z0-9-]+:/.test(text.slice(pos, Math.min(nl, pos + 80)))) {
        throw new IndexFormatError(`line ${JSON.stringify(text.slice(pos, Math.min(nl, pos + 60)))} is not a deb822 field`);
      }
    }
    pos = nl + 1;
  }
  flush();
  if (count === 0) throw new IndexFormatError('no packages in the index (empty or not a Packages file)');
  return count;
}

export { parseRelations };
