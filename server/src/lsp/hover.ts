/**
 * The markdown side of a finding: hovering a squiggle shows, under VS Code's plain-text problem line,
 * the rule's name and summary (markdown rendered; the message itself is already above it), the fix on
 * offer, and a link that opens the rule's rendered documentation.
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { rules } from '../rules/index.js';
import type { DetailedFinding } from '../kernel/types.js';
import { focusRange } from './diagnostic-shaping.js';
import { shortTitle, SHOW_DOCS_COMMAND } from './action-helpers.js';
import { hoverText } from '../../../common/src/text/markdown.js';

const byId = new Map(rules.map((r) => [r.id, r]));

/**
 * One finding, compact (VS Code shows the message above it and "Quick Fix…" below it, so everything fits without
 * scrolling): the rule and its summary on one line, then the fix on offer and the documentation link on the next.
 */
export function hoverAt(doc: TextDocument, pos: Position, findings: readonly DetailedFinding[]): Hover | null {
  const text = doc.getText();
  const at = doc.offsetAt(pos);
  const hits = findings.filter((f) => {
    const r = focusRange(text, f);
    return at >= r.start && at <= r.end;
  });
  if (hits.length === 0) return null;
  const parts = hits.map((f) => {
    const rule = byId.get(f.rule);
    const args = encodeURIComponent(JSON.stringify([f.rule]));
    const docs = `[Documentation](command:${SHOW_DOCS_COMMAND}?${args})`;
    return [
      `**${f.rule}${rule ? ` ${rule.name}` : ''}**${rule ? ` — ${hoverText(rule.docs.summary.replace(/`/g, ''))}` : ''}`,
      '',
      f.fixDetail ? `Quick fix (Ctrl+.): ${hoverText(shortTitle(f.fixDetail, f.rule))} · ${docs}` : docs,
    ].join('\n');
  });
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
}
