// @ts-check
// What every UI script (test/ui/*-ui.mjs) does around its own steps: a fresh run directory with a copy of a fixture
// workspace, code-server with the development copy of the extension (or, with `--installed EXTS_DIR`, an installed
// VSIX), headless chromium on the workbench, screenshots into test-results/ (prefixed `vsix-` for the VSIX), a
// screenshot when a step fails, and the tear-down. The script exits 0 when its steps pass, 1 when one fails.
//   import { runUiTest } from './lib/code-server-session.mjs';
//   await runUiTest({ name: 'optimize', label: 'Optimize UI test', workspace: 'test/e2e/workspace' }, async (s) => { … });
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { copyWorkspace, log, newRunDir, openUiWorkbench, REPO, requireSetup, startCodeServer } from '../../../scripts/e2e/code-server.mjs';

export { log, REPO };
export const OUT = path.join(REPO, 'test-results');
/** The longest a single UI step may take (a click, a squiggle, a preview). */
export const STEP_MS = 30_000;
export const SQUIGGLE = '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info';

const { values: args } = parseArgs({ options: { installed: { type: 'string' } } });
/** The extensions dir of an installed VSIX (`--installed DIR`), or undefined for the development copy. */
export const installed = args.installed ? path.resolve(args.installed) : undefined;
const prefix = installed ? 'vsix-' : '';

/**
 * @typedef {object} Session
 * @property {any} page the playwright page of the workbench
 * @property {any} editor the first editor (`.editor-instance .monaco-editor`)
 * @property {string} ws the copied workspace folder (open in the workbench)
 * @property {string} runDir this run's directory (code-server's user data, logs)
 * @property {(name: string) => Promise<string>} shot a screenshot as test-results/[vsix-]NAME.png; returns its path
 */

/**
 * Runs one UI test and exits the process with its result.
 * @param {{ name: string, label: string, workspace: string, setup?: (ws: string) => void,
 *           keybindings?: Array<{ key: string, command: string, when?: string }>, cleanup?: () => void }} opts
 *   `name`: run directory and failure screenshot; `workspace`: the fixture folder (relative to the repo), copied;
 *   `setup(ws)`: before code-server starts (write files, build images); `keybindings`: the user's keybindings.json;
 *   `cleanup()`: after tear-down, pass or fail.
 * @param {(s: Session) => Promise<void>} steps the test's steps; throw (assert) to fail
 */
export async function runUiTest(opts, steps) {
  requireSetup();
  fs.mkdirSync(OUT, { recursive: true });
  const runDir = newRunDir(`ui-${opts.name}${installed ? '-vsix' : ''}`);
  const ws = copyWorkspace(path.join(REPO, opts.workspace), runDir);
  let rc = 1;
  /** @type {Awaited<ReturnType<typeof openUiWorkbench>> | undefined} */
  let wb;
  /** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
  let cs;
  try {
    opts.setup?.(ws);
    if (opts.keybindings) {
      fs.mkdirSync(path.join(runDir, 'user-data', 'User'), { recursive: true });
      fs.writeFileSync(path.join(runDir, 'user-data', 'User', 'keybindings.json'), JSON.stringify(opts.keybindings));
    }
    cs = await startCodeServer({ runDir, extensionsDir: installed });
    wb = await openUiWorkbench({ url: cs.url, runDir, folder: ws, installed });
    const page = wb.page;
    page.setDefaultTimeout(STEP_MS);
    log('workbench up');
    const shot = async (/** @type {string} */ name) => {
      const file = path.join(OUT, `${prefix}${name}.png`);
      await page.screenshot({ path: file });
      log(`screenshot ${path.relative(REPO, file)}`);
      return file;
    };
    await steps({ page, editor: page.locator('.editor-instance .monaco-editor').first(), ws, runDir, shot });
    rc = 0;
  } catch (e) {
    console.error(`${opts.label} FAILED:`, e);
    if (wb) await wb.page.screenshot({ path: path.join(OUT, `${prefix}${opts.name}-failure.png`) }).catch(() => {});
  } finally {
    await wb?.close();
    await cs?.stop();
    opts.cleanup?.();
  }
  log(`${opts.label} ${rc === 0 ? 'PASSED' : 'FAILED'} (artifacts: ${path.relative(REPO, OUT)}/, ${runDir})`);
  process.exit(rc);
}
