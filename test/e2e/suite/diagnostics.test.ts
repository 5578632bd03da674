import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openFixture, revertAll, ruleOf, SOURCE, waitForRule } from '../support/vscode-helpers';

/** Checks the contract every diagnostic honours: source, `{ value, target }` code, docs link. */
function assertContract(d: vscode.Diagnostic, rule: string): void {
  assert.equal(d.source, SOURCE);
  assert.equal(ruleOf(d), rule);
  const code = d.code;
  assert.ok(typeof code === 'object' && code !== null && 'target' in code, `code should be { value, target }, got ${JSON.stringify(code)}`);
  // The rendered page (dockerfileSlim.showRuleDocs), not the raw Markdown the server's href names.
  assert.equal(code.target.scheme, 'command', 'code.target should open the rule docs through the command');
  assert.equal(code.target.path, 'dockerfileSlim.showRuleDocs');
  assert.deepEqual(JSON.parse(decodeURIComponent(code.target.query)), [rule], 'code.target should name the rule');
  assert.ok(d.message.length > 10, 'message should say what is wrong');
}

describe('diagnostics', () => {
  after(revertAll);

  it('DS005: apk add without --no-cache, on the RUN line', async () => {
    const editor = await openFixture('alpine/Dockerfile');
    const d = await waitForRule(editor.document.uri, 'DS005');
    assertContract(d, 'DS005');
    assert.equal(d.range.start.line, 1, 'DS005 belongs on line 2 (RUN apk add curl)');
    assert.match(editor.document.getText(d.range), /apk|add|RUN/, 'the range should cover the apk command');
    assert.equal(d.severity <= vscode.DiagnosticSeverity.Warning, true, 'a final-stage DS005 is a warning or worse');
  });

  it('DS003: apt-get update without rm -rf /var/lib/apt/lists/*, on the RUN line', async () => {
    const editor = await openFixture('debian/Dockerfile');
    const d = await waitForRule(editor.document.uri, 'DS003');
    assertContract(d, 'DS003');
    assert.equal(d.range.start.line, 1, 'DS003 belongs on line 2 (RUN apt-get update && ...)');
  });

  it('updates while typing: a new `RUN apk add` line gets its own DS005', async () => {
    const editor = await openFixture('debian/Dockerfile');
    await waitForRule(editor.document.uri, 'DS003');
    const ok = await editor.edit((b) => b.insert(new vscode.Position(2, 0), 'RUN apk add git\n'));
    assert.ok(ok);
    const d = await waitForRule(editor.document.uri, 'DS005');
    assert.equal(d.range.start.line, 2);
  });
});
