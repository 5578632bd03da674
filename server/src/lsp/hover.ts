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
    return [
      `**${f.rule}${rule ? ` ${rule.name}` : ''}**${rule ? ` — ${rule.docs.summary}` : ''}`,
      '',
      ...(f.fixDetail ? [`Quick fix: ${hoverText(shortTitle(f.fixDetail))} (Ctrl+.)`, ''] : []), // its words may quote the Dockerfile
      `[Show documentation for ${f.rule}](command:${SHOW_DOCS_COMMAND}?${args})`,
    ].join('\n');
  });
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
}
