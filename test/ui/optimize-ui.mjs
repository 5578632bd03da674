#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): "Optimize Dockerfile" as a user runs it.
// 1. Open optimize/Dockerfile; hover a squiggle (one line, on `install`; plain text in the Problems panel); the rule
//    code in the Problems panel opens the rule's page rendered (markdown preview), not its raw Markdown.
// 2. Run the command from the palette: the Refactor Preview lists one labelled entry per fix, every one ticked.
// 3. Untick the pip fix, click Apply: exactly the ticked fixes land (apt ones yes, pip one no).
// 4. One Ctrl+Z restores the original text (the file is clean again), and no "without the preview?" question yet.
// 5. At the third Optimize through the preview it asks; "Don't Show Preview Again": the next Optimize applies at
//    once, and one undo restores again.
// 6. The Settings UI lists every rule in dockerfileSlim.rules.
// Screenshots: test-results/optimize-*.png (the README and the walkthrough use some of them).
//   node test/ui/optimize-ui.mjs [--installed EXTS_DIR]      Env: VERBOSE=1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, runUiTest, SQUIGGLE } from './lib/code-server-session.mjs';
import { focusEditor, hoverSquiggle, openRefactorPreview, runCommand, waitEditorText } from './lib/workbench.mjs';

const ASK = 'Apply safe fixes without the preview next time?';
let original = '';

await runUiTest(
  {
    name: 'optimize',
    label: 'Optimize UI test',
    workspace: 'test/e2e/workspace',
    setup: (ws) => {
      original = fs.readFileSync(path.join(ws, 'optimize/Dockerfile'), 'utf8');
    },
  },
  async ({ page, editor, shot }) => {
    const waitShown = (/** @type {(t: string) => boolean} */ ok, /** @type {string} */ what) => waitEditorText(page, editor, ok, what);
    const isOriginal = (/** @type {string} */ t) => t.trimEnd() === original.trimEnd();
    const dirtyTabs = () => page.locator('.tabs-container .tab.dirty').count();

    // 1. open optimize/Dockerfile
    await page.getByRole('treeitem', { name: 'optimize', exact: true }).click();
    await page.locator('.explorer-folders-view .monaco-list-row[aria-level="2"]', { hasText: 'Dockerfile' }).first().click();
    await editor.locator('.view-lines', { hasText: 'pip install requests' }).waitFor();
    await page.waitForSelector(SQUIGGLE);
    await waitShown(isOriginal, 'the Dockerfile');
    log('optimize/Dockerfile open, squiggles shown');

    // The DS004 squiggle covers `install` only (one line, the token that matters); the Problems panel is plain text.
    const squiggleWidths = await page.locator(SQUIGGLE).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    log(`squiggle widths: ${JSON.stringify(squiggleWidths)}`);
    // The hover fits: the fix and the documentation link are inside the widget's visible box, no scrolling.
    const widget = await hoverSquiggle(page, 'DS004', 'Documentation');
    const docsLink = widget.locator('a', { hasText: 'Documentation' }).first();
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

    // The rule code's link opens the rule's page rendered (a markdown preview tab), not the raw DS004.md.
    await page.locator('.markers-panel .monaco-tl-row a.monaco-link', { hasText: 'DS004' }).first().click();
    const previewTab = page.locator('.tabs-container .tab', { hasText: 'Preview DS004.md' }).first();
    await previewTab.waitFor();
    assert.equal(await page.locator('.tabs-container .tab', { hasText: /^DS004\.md/ }).count(), 0, 'no raw Markdown editor');
    await waitForFrameText(page, 'h1', /DS004 apt-recommends-installed/);
    log('the DS004 link in the Problems panel opened the rendered page');
    await shot('optimize-2b-rule-docs');
    await previewTab.locator('.tab-actions .codicon-close').click();
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).first().click();
    await waitShown(isOriginal, 'the Dockerfile again');

    // 2. Optimize from the palette: the Refactor Preview, one entry per fix, all ticked
    const { rows, rowInfo, apply } = await openRefactorPreview(page, editor, 'Dockerfile Slim: Optimize Dockerfile');
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
    await apply();
    const applied = await waitShown((t) => t.includes('--no-install-recommends'), 'the applied fixes');
    log(`after Apply:\n${applied}`);
    assert.match(applied, /apt-get install[^\n]*--no-install-recommends/, 'DS004 fix applied');
    assert.match(applied, /rm -rf \/var\/lib\/apt\/lists\/\*/, 'DS003 fix applied');
    assert.match(applied, /^RUN pip install requests$/m, 'the unticked DS006 fix is not applied');
    await shot('optimize-5-applied');

    // 4. one undo restores the file, to the saved text (no dirty tab); no question about the preview after one use
    await focusEditor(page, editor);
    await page.keyboard.press('Control+z');
    await waitShown(isOriginal, 'one undo to restore the original');
    assert.equal(await dirtyTabs(), 0, 'one undo brings the file back to its saved state');
    log('one Ctrl+Z restored the original text');
    const ask = page.locator('.notifications-toasts .notification-toast', { hasText: ASK });
    assert.equal(await ask.count(), 0, 'not asked about the preview after the first use');

    // 5. The second and third Optimize through the preview (Apply as ticked, undo); the third asks.
    for (const use of [2, 3]) {
      const again = await openRefactorPreview(page, editor, 'Dockerfile Slim: Optimize Dockerfile');
      await again.rows
        .filter({ hasText: /--no-cache-dir/ })
        .first()
        .waitFor();
      await again.apply();
      await waitShown((t) => t.includes('--no-cache-dir') && t.includes('--no-install-recommends'), `Optimize #${use} applied`);
      if (use === 2) assert.equal(await ask.count(), 0, 'not asked after the second use either');
      await focusEditor(page, editor);
      await page.keyboard.press('Control+z');
      await waitShown(isOriginal, `the undo of Optimize #${use}`);
    }
    const dont = ask.locator('.monaco-button', { hasText: "Don't Show Preview Again" }).first();
    await dont.waitFor();
    log('asked about the preview at the third use');
    await shot('optimize-6-dont-show-again');
    await dont.click();
    await page.waitForTimeout(500);
    await focusEditor(page, editor);
    await runCommand(page, 'Dockerfile Slim: Optimize Dockerfile');
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
    await focusEditor(page, editor);
    await page.keyboard.press('Control+z');
    await waitShown(isOriginal, 'one undo after the no-preview Optimize');
    assert.equal(await dirtyTabs(), 0, 'one undo brings the file back to its saved state');
    log('one Ctrl+Z restored it again');

    // 6. Settings UI: dockerfileSlim.rules lists every rule with its severity (not an empty table)
    await runCommand(page, 'Preferences: Open Settings (UI)');
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
  },
);

/** Waits for a frame (webviews live in nested iframes) with a `selector` element whose text matches `re`. */
async function waitForFrameText(/** @type {any} */ page, /** @type {string} */ selector, /** @type {RegExp} */ re) {
  for (const end = Date.now() + 30_000; Date.now() < end; await page.waitForTimeout(200)) {
    for (const f of page.frames()) {
      const texts = await f
        .locator(selector)
        .allInnerTexts()
        .catch(() => []);
      if (texts.some((t) => re.test(t))) return;
    }
  }
  throw new Error(`no frame shows ${selector} matching ${re}`);
}
