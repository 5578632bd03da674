#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): open the Dockerfile, type
// `RUN apk add curl`, see a squiggle appear, open the quick fix menu with Ctrl+., apply
// "Add --no-cache", see the line change and the squiggle go. Screenshots go to test-results/.
//   node test/ui/quick-fix-ui.mjs                        # the development copy (dist/ of this repo)
//   node test/ui/quick-fix-ui.mjs --installed EXTS_DIR   # an installed VSIX (scripts/vsix-test.sh)
// Env: E2E_DEV_EXTENSION=/path to drive another unpacked extension; VERBOSE=1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { copyWorkspace, log, newRunDir, openUiWorkbench, REPO, requireSetup, startCodeServer } from '../../scripts/e2e/code-server.mjs';

const { values: args } = parseArgs({ options: { installed: { type: 'string' } } });
const OUT = path.join(REPO, 'test-results');
const SQUIGGLE = '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info';
const STEP_MS = 30_000;

requireSetup();
fs.mkdirSync(OUT, { recursive: true });
const runDir = newRunDir(args.installed ? 'ui-vsix' : 'ui');
const ws = copyWorkspace(path.join(REPO, 'test/e2e/workspace'), runDir);
const installed = args.installed ? path.resolve(args.installed) : undefined;
const cs = await startCodeServer({ runDir, extensionsDir: installed });
/** @type {Awaited<ReturnType<typeof openUiWorkbench>> | undefined} */
let wb;
let rc = 1;
try {
  wb = await openUiWorkbench({ url: cs.url, runDir, folder: ws, installed });
  const page = wb.page;
  page.setDefaultTimeout(STEP_MS);
  log('workbench up');
  const shot = async (/** @type {string} */ name) => {
    const file = path.join(OUT, `${args.installed ? 'vsix-' : ''}${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.relative(REPO, file)}`);
  };

  // 1. open the root Dockerfile from the explorer
  await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines', { hasText: 'WORKDIR /app' }).waitFor();
  log('Dockerfile open');

  // 2. type a new line after line 2 (Ctrl+G goes to the line; End; Enter; type)
  await editor.locator('.view-lines').click();
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
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
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
      await page.keyboard.press('Home');
      for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
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
  rc = 0;
} catch (e) {
  console.error('UI test FAILED:', e);
  if (wb) await wb.page.screenshot({ path: path.join(OUT, `${args.installed ? 'vsix-' : ''}ui-failure.png`) }).catch(() => {});
} finally {
  await wb?.close();
  await cs.stop();
}
log(`UI test ${rc === 0 ? 'PASSED' : 'FAILED'} (artifacts: ${path.relative(REPO, OUT)}/, ${runDir})`);
process.exit(rc);
