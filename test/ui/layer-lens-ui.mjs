#!/usr/bin/env node
// @ts-check
// UI test in headless chromium against a real VS Code (code-server): with a real dockerd, prepare.sh builds
// the workspace-layers image; open its Dockerfile and check that the layer-size CodeLens is drawn above the
// right lines with the right sizes (and no notification pops up). Screenshot: test-results/layer-lens.png.
//   node test/ui/layer-lens-ui.mjs                        # the development copy (dist/ of this repo)
//   node test/ui/layer-lens-ui.mjs --installed EXTS_DIR   # an installed VSIX
// Needs: bash scripts/docker-engine.sh start && IMAGES=busybox bash scripts/docker-engine.sh images.
// Exits 77 (skipped) when prepare.sh cannot build (no Docker daemon). Env: VERBOSE=1.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, runUiTest } from './lib/code-server-session.mjs';

const LENS_MS = 60_000; // docker history, then a streamed docker save for the "removed later" part

/** @type {{ lenses: Array<{ line: number, title: string }> }} */
let exp = { lenses: [] };
/** @type {string[]} */
let dockerfileLines = [];
/** prepare.sh builds the workspace's image; no Docker daemon: skipped (77). */
function prepare(/** @type {string} */ ws) {
  exp = JSON.parse(fs.readFileSync(path.join(ws, 'expectations.json'), 'utf8'));
  dockerfileLines = fs.readFileSync(path.join(ws, 'Dockerfile'), 'utf8').split('\n');
  const prep = spawnSync('bash', ['prepare.sh'], { cwd: ws, encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL' });
  if (prep.status !== 0) {
    const why = `${prep.stdout ?? ''}${prep.stderr ?? ''}`.trim().split('\n').pop();
    const daemon = spawnSync('/usr/bin/docker', ['version'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
    console.error(`prepare.sh exited ${prep.status ?? prep.signal}: ${why}`);
    process.exit(daemon ? 1 : 77);
  }
  log('prepare.sh built the image');
}

await runUiTest({ name: 'layer-lens', label: 'layer lens UI test', workspace: 'test/e2e/workspace-layers', setup: prepare }, async ({ page, editor, shot }) => {
  await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
  await editor.locator('.view-lines', { hasText: 'FROM local/busybox' }).waitFor();
  log('Dockerfile open');

  // Sizes come first (docker history), the waste figures after docker save: wait for the last of them.
  await editor
    .locator('.codelens-decoration', { hasText: /removed later at line 4/ })
    .first()
    .waitFor({ timeout: LENS_MS });
  await page.waitForFunction(() => !document.querySelector('.codelens-decoration .codicon-sync'), undefined, { timeout: LENS_MS });
  await shot('layer-lens');

  // Pair each lens with the first source line drawn below it: that is the line VS Code puts it on.
  const drawn = await editor.evaluate((root) => {
    const top = (/** @type {Element} */ e) => e.getBoundingClientRect().top;
    const lenses = [...root.querySelectorAll('.codelens-decoration')].map((e) => ({ text: (e.textContent ?? '').trim(), top: top(e) }));
    const lines = [...root.querySelectorAll('.view-lines .view-line')].map((e) => ({ text: (e.textContent ?? '').replace(/\u00a0/g, ' '), top: top(e) }));
    return { lenses, lines };
  });
  /** @type {Array<{ lens: string, line: number }>} */
  const placed = drawn.lenses.map((l) => {
    const below = drawn.lines.filter((v) => v.top > l.top).sort((a, b) => a.top - b.top)[0];
    return { lens: l.text, line: below ? dockerfileLines.findIndex((t) => t === below.text) + 1 : 0 };
  });
  log(`lenses drawn:\n${placed.map((p) => `  line ${p.line}: ${p.lens}`).join('\n')}`);
  for (const e of exp.lenses) {
    const here = placed.filter((p) => p.line === e.line);
    assert.equal(here.length, 1, `one lens above line ${e.line} (${dockerfileLines[e.line - 1]}), got ${JSON.stringify(here)}`);
    assert.match(here[0]?.lens ?? '', new RegExp(e.title), `lens above line ${e.line}`);
  }
  assert.equal(placed.length, exp.lenses.length, 'no other lenses');
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  assert.deepEqual(toasts, [], 'no notifications');
});
