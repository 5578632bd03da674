#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): open the Dockerfile, type
// `RUN apk add curl`, see a squiggle appear, open the quick fix menu with Ctrl+., apply
// "Add --no-cache", see the line change and the squiggle go. Screenshots go to test-results/.
//   node test/ui/quick-fix-ui.mjs                        # the development copy (dist/ of this repo)
//   node test/ui/quick-fix-ui.mjs --installed EXTS_DIR   # an installed VSIX (scripts/vsix-test.sh)
// Env: E2E_DEV_EXTENSION=/path to drive another unpacked extension; VERBOSE=1.
import * as assert from 'node:assert/strict';
import { log, runUiTest, SQUIGGLE, STEP_MS } from './lib/code-server-session.mjs';
import { focusEditor } from './lib/workbench.mjs';

await runUiTest({ name: 'quick-fix', label: 'Quick fix UI test', workspace: 'test/e2e/workspace' }, async ({ page, editor, shot }) => {
  // 1. open the root Dockerfile from the explorer
  await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
  await editor.locator('.view-lines', { hasText: 'WORKDIR /app' }).waitFor();
  log('Dockerfile open');

  // 2. type a new line after line 2 (Ctrl+G goes to the line; End; Enter; type)
  await focusEditor(page, editor);
  await page.keyboard.press('Control+g');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('RUN apk add curl');
  await editor.locator('.view-line', { hasText: 'RUN apk add curl' }).waitFor();
  log('typed RUN apk add curl');

  // 3. a squiggle appears under the new line (it is line 3: its top equals the 3rd view-line's top)
  await page.waitForSelector(SQUIGGLE);
  const squiggles = await page.locator(SQUIGGLE).count();
  log(`squiggles: ${squiggles}`);
  assert.ok(squiggles >= 1);
  // The cursor on `apk` (column 6), where the finding is.
  const cursorOnFinding = async () => {
    await page.keyboard.press('Home');
    for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
  };
  await cursorOnFinding();
  const hoverTarget = editor.locator('.view-line', { hasText: 'RUN apk add curl' });
  await hoverTarget.hover({ position: { x: 60, y: 5 } });
  const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'DS005' }).first();
  await hover.waitFor();
  const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
  log(`hover: ${hoverText}`);
  await page.locator('.lightBulbWidget, .codicon-lightbulb, .codicon-lightbulb-autofix').first().waitFor({ state: 'attached' });
  await shot('ui-1-squiggle-and-hover');

  // 4. Ctrl+. opens the quick fix menu, which offers "Add --no-cache"
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  const menu = page.locator('.action-widget');
  const item = menu.locator('.monaco-list-row', { hasText: /--no-cache/ }).first();
  // Ctrl+. can reach the workbench while the hover still holds the keyboard (seen once in a CI run): then put the
  // cursor back on the finding, as a user would, and press it again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await item.waitFor({ timeout: attempt < 3 ? 10_000 : 30_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      log(`quick fix menu not shown (attempt ${attempt}): focusing the line again`);
      await page.keyboard.press('Escape');
      await hoverTarget.click({ position: { x: 60, y: 5 } });
      await cursorOnFinding();
      await page.mouse.move(5, 5);
    }
  }
  const entries = (await menu.locator('.monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  log(`quick fix menu: ${JSON.stringify(entries)}`);
  await shot('ui-2-quick-fix-menu');

  // 5. pick it with the keyboard (as a user does: arrows, Enter): the line changes, the squiggle goes
  for (let i = 0; i < entries.length && !(await item.evaluate((el) => el.classList.contains('focused'))); i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await editor.locator('.view-line', { hasText: /RUN\s+apk\s+(add\s+--no-cache|--no-cache\s+add)\s+curl/ }).waitFor();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, SQUIGGLE, { timeout: STEP_MS });
  log('fixed line: RUN apk add --no-cache curl, no squiggles left');
  await shot('ui-3-fixed');
});
