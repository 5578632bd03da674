#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server) and a real dockerd: builds the
// workspace-layers image (20 MiB toolchain) under its own tag; the lens measures it. Then the Dockerfile grows to 30 MiB and the
// same tag is rebuilt; after Refresh Layer Sizes the CodeLens says "(+10.5 MB since last build)", the status
// bar shows the total and the change, and "Dockerfile Slim: Show Size History" draws both builds as an SVG
// chart in a webview. Screenshot: test-results/size-history.png.
//   node test/ui/size-history-ui.mjs [--installed EXTS_DIR]
// Exits 77 (skipped) when prepare.sh cannot build (no Docker daemon). Env: VERBOSE=1.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, runUiTest, STEP_MS } from './lib/code-server-session.mjs';
import { runCommand } from './lib/workbench.mjs';

const LENS_MS = 60_000;
const DOCKER = '/usr/bin/docker';
const TAG = 'dsl-layersci/size-history:latest';

const build = (/** @type {string} */ ws) =>
  spawnSync(DOCKER, ['build', '-q', '-t', TAG, ws], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 300_000 });
const imageId = () => spawnSync(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', TAG], { encoding: 'utf8' }).stdout.trim();
/** @type {string[]} */
const ids = [];

/** The first build, under a tag of our own (other suites rebuild the workspace's usual tag). No daemon: skipped (77). */
function firstBuild(/** @type {string} */ ws) {
  const settings = path.join(ws, '.vscode', 'settings.json');
  fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replaceAll('dockerfile-slim-e2e/layers:latest', TAG));
  if (spawnSync(DOCKER, ['version'], { encoding: 'utf8', timeout: 20_000 }).status !== 0) {
    console.error('no Docker daemon: skipped');
    process.exit(77);
  }
  const first = build(ws);
  if (first.status !== 0) throw new Error(`docker build failed: ${first.stderr}`);
  ids.push(imageId());
}

await runUiTest(
  {
    name: 'size-history',
    label: 'size history UI test',
    workspace: 'test/e2e/workspace-layers',
    setup: firstBuild,
    cleanup: () => spawnSync(DOCKER, ['rmi', '-f', ...new Set(ids.filter(Boolean))], { stdio: 'ignore' }),
  },
  async ({ page, editor, ws, shot }) => {
    await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
    await editor
      .locator('.codelens-decoration', { hasText: /removed later at line 4/ })
      .first()
      .waitFor({ timeout: LENS_MS });
    const status = page.locator('.statusbar-item', { hasText: /23\.0 MB/ });
    await status.first().waitFor();
    log(`first build measured; status bar: ${await status.first().innerText()}`);

    // The next build: 10 MiB more on line 3, same tag.
    const file = path.join(ws, 'Dockerfile');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('count=20', 'count=30'));
    const b = build(ws);
    assert.equal(b.status, 0, b.stderr);
    ids.push(imageId());
    await editor.locator('.view-lines', { hasText: 'count=30' }).waitFor(); // VS Code reloads the file from disk
    await runCommand(page, 'Dockerfile Slim: Refresh Layer Sizes');
    const lens3 = editor.locator('.codelens-decoration', { hasText: /31\.5 MB \(\+10\.5 MB since last build\) · 31\.5 MB removed later at line 4/ });
    await lens3.first().waitFor({ timeout: LENS_MS });
    const grown = page.locator('.statusbar-item', { hasText: /3\d\.\d MB \(\+10\.5 MB\)/ });
    await grown.first().waitFor();
    log(`second build measured; lens: ${await lens3.first().innerText()}; status bar: ${await grown.first().innerText()}`);

    await runCommand(page, 'Dockerfile Slim: Show Size History');
    // The webview's page lives in nested iframes: find the frame with the chart.
    const deadline = Date.now() + STEP_MS;
    /** @type {any} */
    let chart;
    while (!chart && Date.now() < deadline) {
      for (const f of page.frames()) {
        if (
          (await f
            .locator('svg polyline')
            .count()
            .catch(() => 0)) > 0
        ) {
          chart = f;
        }
      }
      if (!chart) await page.waitForTimeout(200);
    }
    assert.ok(chart, 'a frame with the SVG chart');
    const heading = await chart.locator('h2').innerText();
    assert.match(heading, /Image size of Dockerfile over the last 2 builds/);
    const rows = await chart.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[1] ?? '', /3\d\.\d MB\s+\+10\.5 MB/);
    const legend = await chart.locator('.legend li').allInnerTexts();
    assert.ok(legend[0]?.includes('Total') && legend.some((l) => /line 3: RUN mkdir -p \/usr\/lib\/build-deps/.test(l)), legend.join(' | '));
    assert.equal(await chart.locator('script').count(), 0, 'no script in the page');
    await shot('size-history');
  },
);
