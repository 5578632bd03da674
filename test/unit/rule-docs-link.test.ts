/** The Problems panel's rule-code link in VS Code: the command that renders the rule's page, not the raw Markdown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkRuleDocs, ruleDocsCommandLink } from '../../client/src/rule-docs-link.js';
import { SHOW_DOCS_COMMAND } from '../../common/src/protocol.js';

test('a rule code links the showRuleDocs command with the rule as its one argument', () => {
  const link = ruleDocsCommandLink('DS004') ?? '';
  assert.equal(link, `command:${SHOW_DOCS_COMMAND}?%5B%22DS004%22%5D`);
  // What VS Code's command opener does with the query: JSON arguments, decoded.
  const query = link.slice(link.indexOf('?') + 1);
  assert.deepEqual(JSON.parse(decodeURIComponent(query)), ['DS004']);
});

test('only rule codes are linked; anything else is left as it is', () => {
  for (const other of ['ds004', 'DS04', 'DS0044', 'x', '', 4, undefined]) assert.equal(ruleDocsCommandLink(other), undefined, String(other));
  const plain: { code?: string | number | { value: string | number; target: string } } = { code: 'DS004' };
  linkRuleDocs(plain, (s) => s);
  assert.equal(plain.code, 'DS004', 'a code without a target stays plain');
  const foreign: { code?: string | number | { value: string | number; target: string } } = { code: { value: 'E501', target: 'https://x/E501' } };
  linkRuleDocs(foreign, (s) => s);
  assert.deepEqual(foreign.code, { value: 'E501', target: 'https://x/E501' });
});

test('the server’s file link on a rule code is replaced by the command link', () => {
  const d: { code?: string | number | { value: string | number; target: string } } = { code: { value: 'DS011', target: 'file:///ext/docs/rules/DS011.md' } };
  linkRuleDocs(d, (s) => `parsed:${s}`);
  assert.deepEqual(d.code, { value: 'DS011', target: `parsed:command:${SHOW_DOCS_COMMAND}?%5B%22DS011%22%5D` });
});
