import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openFixture, revertAll, ruleOf, waitForDiagnostics, waitForRule, waitForText } from '../support/vscode-helpers';

const FIXED_BY_OPTIMIZE = ['DS003', 'DS004', 'DS006'];

describe('command dockerfileSlim.optimize', () => {
  after(revertAll);

  it('applies all safe fixes to the active Dockerfile as one undoable edit', async () => {
    const editor = await openFixture('optimize/Dockerfile');
    const doc = editor.document;
    const original = doc.getText();
    const before = await waitForRule(doc.uri, 'DS004');
    assert.ok(before);

    await vscode.commands.executeCommand('dockerfileSlim.optimize', { preview: false });
    const text = await waitForText(doc, (t) => t !== original, 'the optimize edit');

    assert.match(text, /apt-get install[^\n]*--no-install-recommends/, 'DS004 fix');
    assert.match(text, /rm -rf \/var\/lib\/apt\/lists\/\*/, 'DS003 fix');
    assert.match(text, /pip install[^\n]*--no-cache-dir/, 'DS006 fix');
    assert.match(text, /^FROM debian:bookworm-slim$/m, 'the base image is untouched (DS011 is unsafe)');
    assert.match(text, /^CMD \["curl", "--version"\]$/m, 'unrelated instructions are kept');
    await waitForDiagnostics(
      doc.uri,
      (ds) => !ds.some((d) => FIXED_BY_OPTIMIZE.includes(ruleOf(d) ?? '')),
      `${FIXED_BY_OPTIMIZE.join('/')} to be gone after optimize`,
    );

    // One edit: a single undo restores the original text.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitForText(doc, (t) => t === original, 'one undo to restore the original');
  });
});
