import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { applyCodeAction, openFixture, revertAll, ruleOf, waitForDiagnostics, waitForRule } from '../support/vscode-helpers';

async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const got = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range);
  return (got ?? []).filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
}

describe('editor actions', () => {
  after(revertAll);

  it('"Create .dockerignore" clears DS012 at once, without a keystroke, and opens the new file', async () => {
    const editor = await openFixture('ignore/Dockerfile');
    const uri = editor.document.uri;
    const d = await waitForRule(uri, 'DS012');
    const fix = (await codeActions(uri, d.range)).find((a) => /\.dockerignore/.test(a.title) && a.kind?.value === 'quickfix');
    assert.ok(fix, 'a "Create .dockerignore" quick fix');
    await applyCodeAction(fix);
    const created = vscode.Uri.joinPath(uri, '..', '.dockerignore');
    assert.ok((await vscode.workspace.fs.stat(created)).size > 0, '.dockerignore written');
    // No edit to the Dockerfile: the server lints again because the file appeared.
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => ruleOf(x) === 'DS012'), 'DS012 to go away without typing');
    assert.equal(editor.document.isDirty, false, 'the Dockerfile was not touched');
    const active = vscode.window.activeTextEditor?.document.uri.fsPath;
    assert.equal(active, created.fsPath, 'the created .dockerignore is open');
  });

  it('"Ignore DS005 in this file" writes the global pragma, and "Show documentation" opens the rendered rule page', async () => {
    const editor = await openFixture('alpine/Dockerfile');
    const uri = editor.document.uri;
    const d = await waitForRule(uri, 'DS005');
    const actions = await codeActions(uri, d.range);
    const docs = actions.find((a) => a.title === 'Show documentation for DS005');
    assert.ok(docs?.command, actions.map((a) => a.title).join(' | '));
    await vscode.commands.executeCommand(docs.command.command, ...(docs.command.arguments ?? []));
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    for (let i = 0; i < 100 && !tabs().some((l) => /DS005/.test(l)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      tabs().some((l) => /Preview.*DS005|DS005.*Preview/i.test(l)),
      `a markdown preview of DS005.md: ${tabs().join(', ')}`,
    );
    await vscode.window.showTextDocument(editor.document);
    const ignore = actions.find((a) => a.title === 'Ignore DS005 in this file');
    assert.ok(ignore);
    await applyCodeAction(ignore);
    assert.match(editor.document.getText(), /^# dockerfile-slim global ignore=DS005$/m);
    await waitForDiagnostics(uri, (ds) => !ds.some((x) => ruleOf(x) === 'DS005'), 'DS005 silenced for the file');
  });
});
