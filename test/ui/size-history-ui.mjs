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
import { parseArgs } from 'node:util';
import { copyWorkspace, log, newRunDir, openUiWorkbench, REPO, requireSetup, startCodeServer } from '../../scripts/e2e/code-server.mjs';

const { values: args } = parseArgs({ options: { installed: { type: 'string' } } });
const OUT = path.join(REPO, 'test-results');
const STEP_MS = 30_000;
const LENS_MS = 60_000;
const DOCKER = '/usr/bin/docker';
const TAG = 'dsl-layersci/size-history:latest';

requireSetup();
fs.mkdirSync(OUT, { recursive: true });
const runDir = newRunDir(args.installed ? 'ui-size-history-vsix' : 'ui-size-history');
const ws = copyWorkspace(path.join(REPO, 'test/e2e/workspace-layers'), runDir);
// A tag of our own (other suites rebuild the workspace's usual tag).
const settings = path.join(ws, '.vscode', 'settings.json');
fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replaceAll('dockerfile-slim-e2e/layers:latest', TAG));
const build = () => spawnSync(DOCKER, ['build', '-q', '-t', TAG, ws], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeout: 300_000 });
if (spawnSync(DOCKER, ['version'], { encoding: 'utf8', timeout: 20_000 }).status !== 0) {
  console.error('no Docker daemon: skipped');
  process.exit(77);
}
const first = build();
if (first.status !== 0) {
  console.error(`docker build failed: ${first.stderr}`);
  process.exit(1);
}
const imageId = () => spawnSync(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', TAG], { encoding: 'utf8' }).stdout.trim();
const ids = [imageId()];

const installed = args.installed ? path.resolve(args.installed) : undefined;
const cs = await startCodeServer({ runDir, extensionsDir: installed });
/** @type {Awaited<ReturnType<typeof openUiWorkbench>> | undefined} */
let wb;
let rc = 1;
try {
  wb = await openUiWorkbench({ url: cs.url, runDir, folder: ws, installed });
  const page = wb.page;
  page.setDefaultTimeout(STEP_MS);
  await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
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
  const b = build();
  assert.equal(b.status, 0, b.stderr);
  ids.push(imageId());
  await editor.locator('.view-lines', { hasText: 'count=30' }).waitFor(); // VS Code reloads the file from disk
  const runCommand = async (/** @type {string} */ title) => {
    await page.keyboard.press('F1');
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
  };
  await runCommand('Dockerfile Slim: Refresh Layer Sizes');
  const lens3 = editor.locator('.codelens-decoration', { hasText: /31\.5 MB \(\+10\.5 MB since last build\) · 31\.5 MB removed later at line 4/ });
  await lens3.first().waitFor({ timeout: LENS_MS });
  const grown = page.locator('.statusbar-item', { hasText: /3\d\.\d MB \(\+10\.5 MB\)/ });
  await grown.first().waitFor();
  log(`second build measured; lens: ${await lens3.first().innerText()}; status bar: ${await grown.first().innerText()}`);

  await runCommand('Dockerfile Slim: Show Size History');
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
  const shot = path.join(OUT, `${args.installed ? 'vsix-' : ''}size-history.png`);
  await page.screenshot({ path: shot });
  log(`screenshot ${path.relative(REPO, shot)}`);
  rc = 0;
} catch (e) {
  console.error('size history UI test FAILED:', e);
  if (wb) await wb.page.screenshot({ path: path.join(OUT, `${args.installed ? 'vsix-' : ''}size-history-failure.png`) }).catch(() => {});
} finally {
  await wb?.close();
  await cs.stop();
  spawnSync(DOCKER, ['rmi', '-f', ...new Set(ids.filter(Boolean))], { stdio: 'ignore' });
}
log(`size history UI test ${rc === 0 ? 'PASSED' : 'FAILED'} (artifacts: ${path.relative(REPO, OUT)}/, ${runDir})`);
process.exit(rc);
