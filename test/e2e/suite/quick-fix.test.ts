import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { applyCodeAction, describeDiagnostics, openFixture, revertAll, ruleOf, waitForDiagnostics, waitForRule } from '../support/vscode-helpers';

async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const got = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind);
  return (got ?? []).filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
}

describe('quick fixes', () => {
  after(revertAll);

  it('"Add --no-cache" fixes DS005 and the diagnostic goes away', async () => {
    const editor = await openFixture('alpine/Dockerfile');
    const uri = editor.document.uri;
    const d = await waitForRule(uri, 'DS005');
    const actions = await codeActions(uri, d.range);
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && /--no-cache/.test(a.title));
    assert.ok(fix, `no "Add --no-cache" quick fix; got: ${actions.map((a) => `${a.kind?.value}:${a.title}`).join(', ')}`);
    await applyCodeAction(fix);
    assert.match(editor.document.lineAt(1).text, /apk add\b.*--no-cache|apk --no-cache add/, 'line 2 should now use --no-cache');
    assert.match(editor.document.lineAt(1).text, /\bcurl\b/, 'the package list must survive the fix');
    const after = await waitForDiagnostics(uri, (ds) => !ds.some((x) => ruleOf(x) === 'DS005'), 'DS005 to go away');
    assert.ok(!after.some((x) => ruleOf(x) === 'DS005'), describeDiagnostics(after));
  });

  it('the DS003 quick fix appends the apt lists cleanup to the same RUN', async () => {
    const editor = await openFixture('debian/Dockerfile');
    const uri = editor.document.uri;
    const d = await waitForRule(uri, 'DS003');
    // (executeCodeActionProvider does not return CodeAction.diagnostics, so match by title)
    const quickFixes = (await codeActions(uri, d.range)).filter((a) => a.kind?.value === 'quickfix');
    const fix = quickFixes.length === 1 ? quickFixes[0] : quickFixes.find((a) => /apt|lists|clean|rm -rf/i.test(a.title));
    assert.ok(fix, `no quick fix for DS003; got: ${quickFixes.map((a) => a.title).join(', ')}`);
    await applyCodeAction(fix);
    assert.match(editor.document.getText(), /apt-get update[^\n]*rm -rf \/var\/lib\/apt\/lists\/\*/, 'cleanup should land in the same RUN');
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => ruleOf(x) === 'DS003'), 'DS003 to go away');
  });

  it('source.fixAll.dockerfileSlim fixes everything safe in one action', async () => {
    const editor = await openFixture('optimize/Dockerfile');
    const uri = editor.document.uri;
    await waitForRule(uri, 'DS003');
    const full = new vscode.Range(0, 0, editor.document.lineCount, 0);
    const actions = await codeActions(uri, full, 'source.fixAll.dockerfileSlim');
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.dockerfileSlim');
    assert.ok(fixAll, `no source.fixAll.dockerfileSlim action; got: ${actions.map((a) => a.kind?.value).join(', ')}`);
    await applyCodeAction(fixAll);
    const text = editor.document.getText();
    assert.match(text, /--no-install-recommends/);
    assert.match(text, /rm -rf \/var\/lib\/apt\/lists\/\*/);
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => ['DS003', 'DS004', 'DS006'].includes(ruleOf(x) ?? '')), 'DS003/DS004/DS006 to go away after fix-all');
  });
});
