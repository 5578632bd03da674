// The Problems panel's link on a rule code (DS004): the server's `codeDescription.href` is the Markdown file in the
// package (what other LSP clients and the CLI show), which VS Code opens as raw text. The VS Code client links the
// command that opens the rule's page rendered in the markdown preview instead: the Problems panel opens command
// links (VS Code's Link widget allows commands), it works offline and from the Marketplace install alike, and the
// page is the one shipped with this version of the extension. Pure (no VS Code at run time), for the unit tier.
import { SHOW_DOCS_COMMAND } from '../../common/src/protocol.js';

const RULE = /^DS\d{3}$/;

/** `command:dockerfileSlim.showRuleDocs?["DS004"]` (encoded), or undefined for anything but a rule code. */
export function ruleDocsCommandLink(rule: unknown): string | undefined {
  if (typeof rule !== 'string' || !RULE.test(rule)) return undefined;
  return `command:${SHOW_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([rule]))}`;
}

/** Points a diagnostic's rule code (`{ value: 'DS004', target }`) at the rendered page; other codes stay. */
export function linkRuleDocs<U>(d: { code?: string | number | { value: string | number; target: U } }, parse: (link: string) => U): void {
  if (typeof d.code !== 'object') return;
  const link = ruleDocsCommandLink(d.code.value);
  if (link) d.code = { value: d.code.value, target: parse(link) };
}
