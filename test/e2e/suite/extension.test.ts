import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, revertAll } from '../support/vscode-helpers';

// out/test/e2e/suite -> repository root, unless the harness points at another development copy
const DEV_PATH = process.env['DSLIM_E2E_DEV_PATH'] ?? path.resolve(__dirname, '../../../..');

describe('extension', () => {
  after(revertAll);

  it('is the build under test (dev path or the installed VSIX) and activates on a Dockerfile', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const installedDir = process.env['DSLIM_E2E_INSTALLED_DIR'];
    if (installedDir) {
      assert.ok(ext.extensionUri.fsPath.startsWith(installedDir), `expected the VSIX installed under ${installedDir}, got ${ext.extensionUri.fsPath}`);
    } else {
      assert.equal(ext.extensionUri.fsPath, DEV_PATH, 'expected the development copy of the extension');
    }
    await openFixture('alpine/Dockerfile');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the Optimize command', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('dockerfileSlim.optimize'), 'command dockerfileSlim.optimize is not registered');
  });
});
