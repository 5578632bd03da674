/**
 * A cheap look at a text before it is linted where nothing can stop a lint (the server's main thread, the CLI's
 * process, the extension host): shapes whose cost is not bounded by a small multiple of their length go where a
 * time and memory budget applies (a worker, or the server). Issue 27: a 694-byte file of doubling ENV values, a
 * 21 KB chain of stages each resolved against a package index. Real Dockerfiles are far below these counts (the
 * 274-file corpus: at most 93 `$`, 3 stages, 3 references in one ARG/ENV line).
 */

/** Variable references in the whole text. */
export const MAX_REFERENCES = 1024;
/** FROM lines (each stage may inherit, resolve and compare against every earlier one). */
export const MAX_STAGES = 64;
/** References in ARG/ENV lines, where each can copy a whole earlier value. */
export const MAX_SETTING_REFERENCES = 64;

/** Whether `text` is a shape that could cost more than its length suggests. One pass, no allocation per line. */
export function costlyShape(text: string): boolean {
  let refs = 0;
  let settingRefs = 0;
  let stages = 0;
  let lineStart = 0;
  let inSetting = false;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 /* $ */) {
      if (++refs > MAX_REFERENCES) return true;
      if (inSetting && ++settingRefs > MAX_SETTING_REFERENCES) return true;
    } else if (c === 10 /* \n */) {
      lineStart = i + 1;
      // A continued line stays a setting: `ENV A=$X \` goes on.
      const before = i > 0 && text.charCodeAt(i - 1) === 13 ? i - 2 : i - 1;
      const last = before >= 0 ? text.charCodeAt(before) : 0;
      if (last !== 92 && last !== 96) inSetting = false;
    } else if (c !== 32 && c !== 9 && c !== 13 && i >= lineStart) {
      // The first word of a line.
      const word = text.slice(i, i + 5).toUpperCase();
      if (word.startsWith('FROM') && ++stages > MAX_STAGES) return true;
      if (word.startsWith('ENV') || word.startsWith('ARG')) inSetting = true;
      const nl = text.indexOf('\n', i);
      // Skip to the next `$` or line end without reading word by word.
      lineStart = nl < 0 ? len : nl + 1;
    }
  }
  return false;
}

/** Whether the text is linted where a budget applies: big (at least `threshold` characters) or a costly shape. */
export function needsBudget(text: string, threshold: number): boolean {
  return text.length >= threshold || costlyShape(text);
}
