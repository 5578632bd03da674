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
import { log, runUiTest } from './lib/code-server-session.mjs';

const BUILD_MS = 180_000;
const START_MS = 20_000; // the progress shows within a second or two; under a heavy load (2 cores, load 20+) up to 10 s

const docker = spawnSync('/usr/bin/docker', ['image', 'inspect', 'local/busybox:latest'], { encoding: 'utf8', timeout: 30_000 });
if (docker.status !== 0) {
  console.error(`no Docker daemon or no local/busybox:latest: ${(docker.stderr ?? '').trim().split('\n').pop()}`);
  process.exit(77);
}

await runUiTest(
  {
    name: 'build-failure',
    label: 'build failure UI test',
    workspace: 'test/e2e/workspace-build-fail',
    // A key bound to the command: the palette entry's `isWorkspaceTrusted` when-clause hides it in code-server
    // started with workspace trust off, although the command itself runs there.
    keybindings: [{ key: 'ctrl+alt+shift+b', command: 'dockerfileSlim.buildAndMeasure', when: 'editorLangId == dockerfile' }],
  },
  async ({ page, editor, shot }) => {
    await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
    await editor.locator('.view-lines', { hasText: 'dockerfile-slim-ui-missing-file' }).waitFor();
    log('Dockerfile open');

    // The key bound above, with the cursor in the Dockerfile. The progress shows at once, before docker is asked
    // anything; a key press that did not reach the editor (nothing shows) is pressed again, once.
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Build and Measure' }).first();
    const failed = page.locator('.notifications-toasts .notification-toast', { hasText: 'build failed' }).first();
    const started = async () => {
      for (const end = Date.now() + START_MS; Date.now() < end; await page.waitForTimeout(200)) {
        if ((await progress.count()) + (await failed.count()) > 0) return true;
      }
      return false;
    };
    await editor.locator('.view-line', { hasText: 'FROM local/busybox' }).click();
    await page.keyboard.press('Control+Alt+Shift+B');
    if (!(await started())) {
      const toasts = (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      log(`no progress ${START_MS / 1000} s after the key (notifications: ${JSON.stringify(toasts)}): pressing it again`);
      await editor.locator('.view-line', { hasText: 'FROM local/busybox' }).click();
      await page.keyboard.press('Control+Alt+Shift+B');
      assert.ok(await started(), 'Build and Measure shows its progress at once');
    }
    log('Build and Measure started');

    const toast = failed;
    await toast.waitFor({ timeout: BUILD_MS });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    log(`notification: ${text}`);
    await shot('build-failure');
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
    await progress.waitFor({ timeout: BUILD_MS });
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'build failed' }).first().waitFor({ timeout: BUILD_MS });
    log('Retry built again and failed the same way');
  },
);
