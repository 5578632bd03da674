#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server) and a real dockerd: Build and Measure on a
// Dockerfile whose last RUN fails (`cat` of a missing file, on local/busybox:latest). The error notification must
// quote the failing command's own error ("cat: can't open '/dockerfile-slim-ui-missing-file'") and docker's exit
// line, not the first line of the build output, and offer Retry and Show Output; the Build output channel opens at
// the end of this build; Retry builds again. Screenshot: test-results/build-failure.png.
//   node test/ui/build-failure-ui.mjs [--installed EXTS_DIR]      Env: VERBOSE=1.
// Needs: bash scripts/docker-engine.sh start && IMAGES=busybox bash scripts/docker-engine.sh images.
// Exits 77 (skipped) when no Docker daemon answers.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { copyWorkspace, log, newRunDir, openUiWorkbench, REPO, requireSetup, startCodeServer } from '../../scripts/e2e/code-server.mjs';

const { values: args } = parseArgs({ options: { installed: { type: 'string' } } });
const OUT = path.join(REPO, 'test-results');
const STEP_MS = 30_000;
const BUILD_MS = 180_000;

requireSetup();
const docker = spawnSync('/usr/bin/docker', ['image', 'inspect', 'local/busybox:latest'], { encoding: 'utf8', timeout: 30_000 });
if (docker.status !== 0) {
  console.error(`no Docker daemon or no local/busybox:latest: ${(docker.stderr ?? '').trim().split('\n').pop()}`);
  process.exit(77);
}
fs.mkdirSync(OUT, { recursive: true });
const runDir = newRunDir(args.installed ? 'ui-build-failure-vsix' : 'ui-build-failure');
const ws = copyWorkspace(path.join(REPO, 'test/e2e/workspace-build-fail'), runDir);
const installed = args.installed ? path.resolve(args.installed) : undefined;
fs.mkdirSync(path.join(runDir, 'user-data', 'User'), { recursive: true });
fs.writeFileSync(
  path.join(runDir, 'user-data', 'User', 'keybindings.json'),
  JSON.stringify([{ key: 'ctrl+alt+shift+b', command: 'dockerfileSlim.buildAndMeasure', when: 'editorLangId == dockerfile' }]),
);
const cs = await startCodeServer({ runDir, extensionsDir: installed });
/** @type {Awaited<ReturnType<typeof openUiWorkbench>> | undefined} */
let wb;
let rc = 1;
try {
  wb = await openUiWorkbench({ url: cs.url, runDir, folder: ws, installed });
  const page = wb.page;
  page.setDefaultTimeout(STEP_MS);
  log('workbench up');

  await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines', { hasText: 'dockerfile-slim-ui-missing-file' }).waitFor();
  log('Dockerfile open');

  // A key bound to the command (keybindings.json, below): the palette entry's `isWorkspaceTrusted` when-clause
  // hides it in code-server started with workspace trust off, although the command itself runs there.
  await editor.locator('.view-line', { hasText: 'FROM local/busybox' }).click();
  await page.keyboard.press('Control+Alt+Shift+B');
  log('Build and Measure started');

  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'build failed' }).first();
  await toast.waitFor({ timeout: BUILD_MS });
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  log(`notification: ${text}`);
  await page.screenshot({ path: path.join(OUT, `${args.installed ? 'vsix-' : ''}build-failure.png`) });
  assert.match(text, /cat: can't open '\/dockerfile-slim-ui-missing-file': No such file or directory/, 'the failing command’s own error');
  assert.match(text, /cat \/dockerfile-slim-ui-missing-file.*(exit code|non-zero code): 1/, 'docker’s error line for that command');
  assert.doesNotMatch(text, /\[internal\] load|DEPRECATED|Sending build context/, 'not the first line of the output');
  const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
  log(`actions: ${JSON.stringify(buttons)}`);
  assert.ok(buttons.includes('Retry') && buttons.includes('Show Output'), `Retry and Show Output offered: ${buttons}`);

  // The Build channel opened at the end of this build (the channel is cleared when a build starts).
  const outputView = page.locator('.part.panel .monaco-editor .view-lines').first();
  await outputView.waitFor();
  const shownOutput = (await outputView.innerText()).replace(/\u00a0/g, ' ');
  log(`output panel shows:\n${shownOutput}`);
  assert.match(shownOutput, /\[\d\d:\d\d:\d\d\] Build failed: .*dockerfile-slim-ui-missing-file/, 'the end of this build, timestamped, in view');
  assert.ok(!shownOutput.includes(String.fromCharCode(27)) && !shownOutput.includes('[91m'), 'no raw colour codes');

  // Retry runs the build again: the same failure, quoted again.
  await toast.locator('.monaco-button', { hasText: 'Retry' }).click();
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'build failed' }).first().waitFor({ timeout: BUILD_MS });
  log('Retry built again and failed the same way');
  rc = 0;
} catch (e) {
  console.error('build failure UI test FAILED:', e);
  if (wb) await wb.page.screenshot({ path: path.join(OUT, `${args.installed ? 'vsix-' : ''}build-failure-failure.png`) }).catch(() => {});
} finally {
  await wb?.close();
  await cs.stop();
}
log(`build failure UI test ${rc === 0 ? 'PASSED' : 'FAILED'} (artifacts: ${path.relative(REPO, OUT)}/, ${runDir})`);
process.exit(rc);
