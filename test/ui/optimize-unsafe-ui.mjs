#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): "Optimize Dockerfile (including unsafe fixes)"
// with the default choices, on a file with one safe finding (DS004 recommends), one unsafe one (DS011 full base image)
// and a missing .dockerignore (DS012, a safe fix that creates a file).
// 1. The Refactor Preview lists one entry per fix: by file, one row per fix; grouped by type, each entry is labelled
//    with its rule and the fix's title, the unsafe one says why, and each holds exactly one change.
// 2. Defaults: the safe entries ticked, the unsafe one unticked.
// 3. Apply without touching a box: only the safe fixes land (--no-install-recommends, the base image stays), the
//    .dockerignore is written, and the Dockerfile is left unsaved (the file on disk is unchanged) like any other edit.
// Screenshots: test-results/optimize-unsafe-*.png.
//   node test/ui/optimize-unsafe-ui.mjs [--installed EXTS_DIR]      Env: VERBOSE=1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, runUiTest, SQUIGGLE, STEP_MS } from './lib/code-server-session.mjs';
import { openRefactorPreview, waitEditorText } from './lib/workbench.mjs';

const ORIGINAL =
  'FROM debian:bookworm\nWORKDIR /app\nCOPY . /app\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nCMD ["curl", "--version"]\n';
let dir = '';

await runUiTest(
  {
    name: 'optimize-unsafe',
    label: 'Optimize (unsafe) UI test',
    workspace: 'test/e2e/workspace',
    setup: (ws) => {
      dir = path.join(ws, 'unsafe');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'Dockerfile'), ORIGINAL);
    },
  },
  async ({ page, editor, shot }) => {
    // Open unsafe/Dockerfile and wait for its squiggles.
    await page.getByRole('treeitem', { name: 'unsafe', exact: true }).click();
    await page.locator('.explorer-folders-view .monaco-list-row[aria-level="2"]', { hasText: 'Dockerfile' }).first().click();
    await editor.locator('.view-lines', { hasText: 'apt-get install' }).waitFor();
    await page.waitForSelector(SQUIGGLE);
    log('unsafe/Dockerfile open, squiggles shown');

    // Optimize including unsafe fixes, from the palette.
    const { rows, rowInfo, apply } = await openRefactorPreview(page, editor, 'Dockerfile Slim: Optimize Dockerfile (including unsafe fixes)');
    // By file: the Dockerfile with one row per fix (DS004, DS011), and the .dockerignore with its content.
    // The file rows expand a moment after they appear.
    let info = await rowInfo();
    for (const end = Date.now() + 10_000; Date.now() < end && info.filter((r) => r.level === 2).length < 3;) {
      await page.waitForTimeout(250);
      info = await rowInfo();
    }
    log(`preview rows (by file): ${JSON.stringify(info)}`);
    await shot('optimize-unsafe-1-preview-by-file');
    const dockerfileRow = info.findIndex((r) => r.level === 1 && /^Dockerfile/.test(r.text));
    assert.ok(dockerfileRow >= 0, 'the Dockerfile is listed');
    const dockerfileEdits = [];
    for (let i = dockerfileRow + 1; i < info.length && (info[i]?.level ?? 0) > 1; i++) dockerfileEdits.push(info[i]);
    assert.equal(dockerfileEdits.length, 2, `one row per fix in the Dockerfile: ${JSON.stringify(dockerfileEdits)}`);
    const safeRow = dockerfileEdits.find((r) => /no-install-recommends/.test(r.text));
    const baseRow = dockerfileEdits.find((r) => /bookworm-slim/.test(r.text));
    assert.equal(safeRow?.checked, true, 'the safe fix starts ticked');
    assert.equal(baseRow?.checked, false, 'the unsafe base swap starts unticked');
    assert.ok(
      info.some((r) => /\.dockerignore/.test(r.text) && r.checked === true),
      'the .dockerignore (safe) is ticked',
    );

    // Grouped by type: one labelled entry per fix, each with exactly one change; the unsafe one says why.
    const byType = page.locator('.action-item a[aria-label="Group Changes By Type"]').first();
    await byType.click();
    await rows.filter({ hasText: 'DS004 line 4: Add --no-install-recommends' }).first().waitFor();
    info = await rowInfo();
    for (const end = Date.now() + 10_000; Date.now() < end && info.filter((r) => r.level === 3).length < 3;) {
      await page.waitForTimeout(250);
      info = await rowInfo();
    }
    log(`preview rows (by fix): ${JSON.stringify(info)}`);
    await shot('optimize-unsafe-2-preview-by-fix');
    const entries = info.filter((r) => r.level === 1);
    assert.equal(entries.length, 3, `one entry per fix: ${JSON.stringify(entries)}`);
    const entry = (/** @type {RegExp} */ re) => entries.find((r) => re.test(r.text));
    assert.ok(entry(/^DS004 line 4: Add --no-install-recommends, keep ca-certificates\s*safe$/), JSON.stringify(entries));
    assert.ok(entry(/^DS011 line 1: Use debian:bookworm-slim\s*unsafe: fewer packages/), JSON.stringify(entries));
    assert.ok(entry(/^DS012: .*\.dockerignore/), JSON.stringify(entries));
    /** The tick of an entry's one change (category rows have no box of their own). */
    const tickOf = (/** @type {RegExp} */ re) => {
      const i = info.findIndex((r) => r.level === 1 && re.test(r.text));
      return info.slice(i + 1).find((r) => r.level === 3)?.checked;
    };
    assert.equal(tickOf(/^DS011/), false, 'the unsafe entry is unticked');
    assert.equal(tickOf(/^DS004/), true, 'the safe entry is ticked');
    assert.equal(tickOf(/^DS012/), true, 'the .dockerignore entry is ticked');
    // Each entry: its file (level 2) and exactly one change (level 3).
    for (let i = 0; i < info.length; i++) {
      if (info[i]?.level !== 1) continue;
      let changes = 0;
      for (let j = i + 1; j < info.length && (info[j]?.level ?? 0) > 1; j++) if (info[j]?.level === 3) changes++;
      assert.equal(changes, 1, `one change under "${info[i]?.text}"`);
    }

    // Apply with the default choices.
    await apply();
    const applied = await waitEditorText(page, editor, (t) => t.includes('--no-install-recommends'), 'the safe fix');
    log(`after Apply:\n${applied}`);
    assert.match(applied, /apt-get install -y --no-install-recommends|apt-get install --no-install-recommends/, 'the safe fix landed');
    assert.match(applied, /^FROM debian:bookworm$/m, 'the unsafe base swap did not');
    await shot('optimize-unsafe-3-applied');
    const ignore = path.join(dir, '.dockerignore');
    const deadline = Date.now() + STEP_MS;
    const size = () => (fs.existsSync(ignore) ? fs.statSync(ignore).size : -1);
    while (size() <= 0 && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(fs.existsSync(ignore), 'the .dockerignore was created');
    const written = fs.readFileSync(ignore, 'utf8');
    log(`.dockerignore on disk: ${JSON.stringify(written.slice(0, 80))}`);
    assert.ok(written.length > 0, 'and written with its content');
    await page.waitForTimeout(1500); // files.refactoring.autoSave would have saved by now
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), ORIGINAL, "the Dockerfile is not saved behind the user's back");
    const dirtyTab = await page.locator('.tabs-container .tab.active.dirty').count();
    assert.equal(dirtyTab, 1, 'the Dockerfile tab shows unsaved changes');
    log('only the safe fixes landed; the Dockerfile is unsaved, the .dockerignore written');
  },
);
