#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): "Optimize Dockerfile" as a user runs it.
// 1. Open optimize/Dockerfile; hover a squiggle (one line, on `install`; plain text in the Problems panel).
// 2. Run the command from the palette: the Refactor Preview lists one labelled entry per fix, every one ticked.
// 3. Untick the pip fix, click Apply: exactly the ticked fixes land (apt ones yes, pip one no).
// 4. One Ctrl+Z restores the original text.
// 5. "Don't Show Preview Again": the next Optimize applies at once, one undo restores again.
// 6. The Settings UI lists every rule in dockerfileSlim.rules.
// Screenshots: test-results/optimize-*.png (the README and the walkthrough use some of them).
//   node test/ui/optimize-ui.mjs [--installed EXTS_DIR]      Env: VERBOSE=1.
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
const runDir = newRunDir(args.installed ? 'ui-optimize-vsix' : 'ui-optimize');
const ws = copyWorkspace(path.join(REPO, 'test/e2e/workspace'), runDir);
const original = fs.readFileSync(path.join(ws, 'optimize/Dockerfile'), 'utf8');
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
  const editor = page.locator('.editor-instance .monaco-editor').first();
  /** The editor's text as drawn (view lines, in order of their top offset). */
  const shown = async () =>
    editor.locator('.view-lines').evaluate((el) =>
      [...el.querySelectorAll('.view-line')]
        .map((l) => ({ top: parseFloat(/** @type {HTMLElement} */ (l).style.top) || 0, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n'),
    );
  const waitShown = async (/** @type {(t: string) => boolean} */ ok, /** @type {string} */ what) => {
    const end = Date.now() + STEP_MS;
    let t = '';
    while (Date.now() < end) {
      t = await shown();
      if (ok(t)) return t;
      await page.waitForTimeout(200);
    }
    throw new Error(`timed out waiting for ${what}; editor shows:\n${t}`);
  };
  const runCommand = async (/** @type {string} */ title) => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
  };

  // 1. open optimize/Dockerfile
  await page.getByRole('treeitem', { name: 'optimize', exact: true }).click();
  await page.locator('.explorer-folders-view .monaco-list-row[aria-level="2"]', { hasText: 'Dockerfile' }).first().click();
  await editor.locator('.view-lines', { hasText: 'pip install requests' }).waitFor();
  await page.waitForSelector(SQUIGGLE);
  const originalShown = (await waitShown((t) => t.includes('CMD'), 'the Dockerfile')).trimEnd();
  assert.equal(originalShown, original.trimEnd());
  log('optimize/Dockerfile open, squiggles shown');

  // The DS004 squiggle covers `install` only (one line, the token that matters); the Problems panel is plain text.
  const squiggleWidths = await page.locator(SQUIGGLE).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  log(`squiggle widths: ${JSON.stringify(squiggleWidths)}`);
  // Hover each squiggle (they sit on the verb) until DS004's hover shows.
  const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'DS004' }).first();
  for (const b of await page.locator(SQUIGGLE).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
    await page.mouse.move(5, 5);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    if (
      await hover.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      )
    ) {
      break;
    }
  }
  await hover.waitFor();
  // The hover fits: the fix and the documentation link are inside the widget's visible box, no scrolling.
  const widget = page.locator('.monaco-hover:not(.hidden)').first();
  const docsLink = widget.locator('a', { hasText: 'Documentation' }).first();
  await docsLink.waitFor();
  assert.match(await widget.innerText(), /Quick fix \(Ctrl\+\.\): Add --no-install-recommends/);
  const [box, linkBox] = [await widget.boundingBox(), await docsLink.boundingBox()];
  assert.ok(box && linkBox && linkBox.y + linkBox.height <= box.y + box.height, `docs link in view: ${JSON.stringify({ box, linkBox })}`);
  log(`hover: ${Math.round(box?.height ?? 0)} px high, the docs link in view`);
  await shot('optimize-1-finding');
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel .monaco-tl-row');
  await problems.first().waitFor();
  const problemTexts = (await problems.allInnerTexts()).map((s) => s.replace(/\s+/g, ' '));
  log(`problems: ${JSON.stringify(problemTexts)}`);
  assert.ok(!problemTexts.some((t) => t.includes('`')), 'no markdown backticks in the Problems panel');
  await shot('optimize-2-problems');

  // 2. Optimize from the palette: the Refactor Preview, one entry per fix, all ticked
  await editor.locator('.view-lines').click();
  await runCommand('Dockerfile Slim: Optimize Dockerfile');
  const pane = page.locator('.bulk-edit-panel, [id="refactorPreview"]').first();
  await pane.waitFor();
  const rows = pane.locator('.monaco-list-row');
  await rows.first().waitFor();
  const rowInfo = async () =>
    rows.evaluateAll((els) =>
      els.map((e) => ({
        level: Number(e.getAttribute('aria-level') ?? 0),
        text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
        checked: /** @type {HTMLInputElement | null} */ (e.querySelector('input[type=checkbox]'))?.checked ?? null,
      })),
    );
  let info = await rowInfo();
  log(`preview rows (by file): ${JSON.stringify(info)}`);
  await shot('optimize-3-preview');
  const edits = info.filter((r) => r.level === 2);
  // One entry per fix; DS004 (adds ca-certificates after curl) and DS003 (appends the lists cleanup there) edit the
  // same spot, so they cannot be ticked apart: one entry for both.
  assert.equal(edits.length, 2, 'one entry per fix: --no-install-recommends with the lists cleanup, --no-cache-dir');
  assert.ok(
    info.every((r) => r.checked === true),
    'every safe fix is ticked',
  );
  // Grouped by type, each entry carries its fix's label ("Line 3: Add --no-cache-dir", DS006).
  const byType = page.locator('.action-item a[aria-label="Group Changes By Type"]').first();
  await byType.click();
  await rows.filter({ hasText: 'DS006' }).first().waitFor();
  info = await rowInfo();
  log(`preview rows (by fix): ${JSON.stringify(info)}`);
  const labels = info.filter((r) => r.level === 1).map((r) => r.text);
  assert.ok(
    labels.some((t) => /^DS006 line 3: Add --no-cache-dir/.test(t)) &&
      labels.some((t) => /^DS003 \+ DS004 line 2: Append rm -rf .* \+ Add --no-install-recommends/.test(t)),
    `entries are labelled with their rule and fix: ${JSON.stringify(labels)}`,
  );
  await shot('optimize-3b-preview-by-fix');
  await page.locator('.action-item a[aria-label="Group Changes By File"]').first().click();
  const pipRow = rows.filter({ hasText: /--no-cache-dir/ }).first();
  await pipRow.locator('input[type=checkbox]').first().click();
  info = await rowInfo();
  log(`after unticking the pip fix: ${JSON.stringify(info)}`);
  assert.ok(
    info.some((r) => r.checked === false),
    'the pip fix is unticked',
  );
  await shot('optimize-4-preview-unticked');

  // 3. Apply: the ticked fixes land, the unticked one does not
  await pane
    .locator('.monaco-button', { hasText: /^Apply$/ })
    .first()
    .click();
  const applied = await waitShown((t) => t.includes('--no-install-recommends'), 'the applied fixes');
  log(`after Apply:\n${applied}`);
  assert.match(applied, /apt-get install[^\n]*--no-install-recommends/, 'DS004 fix applied');
  assert.match(applied, /rm -rf \/var\/lib\/apt\/lists\/\*/, 'DS003 fix applied');
  assert.match(applied, /^RUN pip install requests$/m, 'the unticked DS006 fix is not applied');
  await shot('optimize-5-applied');

  // 4. one undo restores the file
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+z');
  const undone = await waitShown((t) => t.trimEnd() === original.trimEnd(), 'one undo to restore the original');
  assert.equal(undone.trimEnd(), original.trimEnd());
  log('one Ctrl+Z restored the original text');

  // 5. "Don't Show Preview Again": Optimize applies at once; one undo restores
  const dont = page.locator('.notifications-toasts .monaco-button', { hasText: "Don't Show Preview Again" }).first();
  await dont.waitFor();
  await shot('optimize-6-dont-show-again');
  await dont.click();
  await page.waitForTimeout(500);
  await editor.locator('.view-lines').click();
  await runCommand('Dockerfile Slim: Optimize Dockerfile');
  const direct = await waitShown((t) => t.includes('--no-cache-dir') && t.includes('--no-install-recommends'), 'Optimize without preview');
  assert.equal(
    await page
      .locator('.bulk-edit-panel')
      .isVisible()
      .catch(() => false),
    false,
    'no preview this time',
  );
  log('Optimize without preview applied every safe fix');
  await shot('optimize-7-no-preview');
  assert.match(direct, /pip install --no-cache-dir requests/);
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+z');
  await waitShown((t) => t.trimEnd() === original.trimEnd(), 'one undo after the no-preview Optimize');
  log('one Ctrl+Z restored it again');

  // 6. Settings UI: dockerfileSlim.rules lists every rule with its severity (not an empty table)
  await runCommand('Preferences: Open Settings (UI)');
  const search = page.locator('.settings-editor .suggest-input-container textarea, .settings-editor .settings-header input').first();
  await search.waitFor();
  await search.fill('dockerfileSlim.rules');
  const rulesSetting = page.locator('.settings-editor .setting-item-contents', { hasText: 'Severity per rule' }).first();
  await rulesSetting.waitFor();
  const keys = await rulesSetting.locator('.setting-list-object-key, .setting-list-row').allInnerTexts();
  const listed = new Set(keys.join(' ').match(/DS0\d\d/g) ?? []);
  log(`rules table lists ${listed.size} rules`);
  await shot('optimize-8-rules-setting');
  assert.ok(listed.size >= 15, `every rule in the rules table, got ${[...listed].join(', ')}`);
  rc = 0;
} catch (e) {
  console.error('UI test FAILED:', e);
  if (wb) await wb.page.screenshot({ path: path.join(OUT, `${args.installed ? 'vsix-' : ''}optimize-failure.png`) }).catch(() => {});
} finally {
  await wb?.close();
  await cs.stop();
}
log(`Optimize UI test ${rc === 0 ? 'PASSED' : 'FAILED'} (artifacts: ${path.relative(REPO, OUT)}/, ${runDir})`);
process.exit(rc);
