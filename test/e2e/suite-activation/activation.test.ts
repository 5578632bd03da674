/**
 * Activation cost in a real extension host (issue 14), run by `npm run bench` (bench/activation.ts),
 * not by `npm test`: the first Dockerfile opened in a fresh window fires `onLanguage:dockerfile`;
 * the time from opening it to our first diagnostics covers loading the extension, starting the
 * language server and the first lint. The number goes to DSLIM_BENCH_OUT; the only assertions are
 * functional (inactive before, diagnostics after), never a time limit.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixtureUri, waitForDiagnostics } from '../support/vscode-helpers';

describe('activation', () => {
  it('opening the first Dockerfile activates the extension and publishes diagnostics', async function () {
    this.timeout(60_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    assert.equal(ext.isActive, false, 'nothing may activate the extension before a Dockerfile opens');
    const uri = fixtureUri('Dockerfile');
    // Let the new window finish starting (built-in extensions, indexing) first: a user opens a Dockerfile
    // into a settled window, and the number should be ours, not the workbench's start-up.
    await new Promise((r) => setTimeout(r, Number(process.env['DSLIM_ACTIVATION_SETTLE_MS'] ?? 5000)));
    assert.equal(ext.isActive, false, 'still inactive before the Dockerfile opens');
    const t0 = performance.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    const opened = performance.now();
    // Where the time goes: activate() returned, the language server answered `initialize`, diagnostics arrived.
    let activeMs = NaN;
    let readyMs = NaN;
    const phases = (async (): Promise<void> => {
      while (!ext.isActive) await new Promise((r) => setTimeout(r, 2));
      activeMs = performance.now() - t0;
      await (ext.exports as { ready?: Promise<void> } | undefined)?.ready;
      readyMs = performance.now() - t0;
    })();
    await vscode.window.showTextDocument(doc, { preview: false });
    const ds = await waitForDiagnostics(uri, (d) => d.length > 0, 'first diagnostics');
    const firstDiagnostics = performance.now() - t0;
    await phases;
    assert.equal(ext.isActive, true);
    const out = process.env['DSLIM_BENCH_OUT'];
    const own = (ext.exports as { timings?: { loaded: number; activateStart: number; activateEnd: number } }).timings;
    const at = (x: number | undefined): number => (x === undefined ? NaN : x - t0);
    const result = {
      lines: doc.lineCount,
      openMs: opened - t0,
      loadedMs: at(own?.loaded),
      activateMs: own ? own.activateEnd - own.activateStart : NaN,
      activeMs,
      readyMs,
      firstDiagnosticsMs: firstDiagnostics,
      diagnostics: ds.length,
    };
    if (out) fs.writeFileSync(out, JSON.stringify(result));
    console.log(`activation: ${JSON.stringify(result)}`);
  });
});
