// @ts-check
// Shared harness for the e2e, UI and VSIX tests: starts a real VS Code (code-server) on
// 127.0.0.1, drives it with playwright-core + Debian chromium, and tears everything down.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** code-server's install; as root outside the checkout (like scripts/setup-code-server.sh), so clones share it. */
export const E2E_ROOT = process.env.E2E_ROOT ?? (process.getuid?.() === 0 ? '/var/cache/dockerfile-slim/vscode-e2e' : path.join(REPO, '.cache/vscode-e2e'));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CS_ENTRY = path.join(E2E_ROOT, 'node_modules/code-server/out/node/entry.js');
const T0 = Date.now();

/** Logs with seconds since start, so slow steps are visible in CI logs. */
export function log(/** @type {string} */ msg) {
  console.log(`[e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
}

/** Rejects after `ms` with a message naming what we were waiting for. */
export function withTimeout(/** @type {Promise<any>} */ p, /** @type {number} */ ms, /** @type {string} */ what) {
  /** @type {NodeJS.Timeout | undefined} */ let timer;
  const t = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Fails early with a helpful message when scripts/setup-code-server.sh has not run. */
export function requireSetup() {
  if (!fs.existsSync(CS_ENTRY) || !fs.existsSync(path.join(E2E_ROOT, 'node_modules/playwright-core'))) {
    console.error(`code-server/playwright-core missing in ${E2E_ROOT}; run: npm run setup:e2e`);
    process.exit(2);
  }
}

/** The playwright-core copy installed by the setup script (not a project dependency). */
export function playwright() {
  const req = createRequire(path.join(E2E_ROOT, 'package.json'));
  // Typed loosely: playwright-core lives in E2E_ROOT, not in the project's node_modules.
  return /** @type {any} */ (req('playwright-core'));
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Copies a fixture workspace into the run dir so tests can edit and save without touching git. */
export function copyWorkspace(/** @type {string} */ src, /** @type {string} */ runDir) {
  const dst = path.join(runDir, 'ws', path.basename(src));
  fs.cpSync(src, dst, { recursive: true });
  return dst;
}

/**
 * A fresh run directory under .cache/vscode-e2e/runs; older runs are pruned to the last 5, but never one started in
 * the last 30 minutes (another UI script may be running in it: the runs folder is shared by clones on the machine).
 */
export function newRunDir(/** @type {string} */ name) {
  const runs = path.join(E2E_ROOT, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const old = fs.readdirSync(runs).sort();
  const recent = Date.now() - 30 * 60_000;
  for (const d of old.slice(0, Math.max(0, old.length - 5))) {
    const started = fs.statSync(path.join(runs, d), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (started < recent) fs.rmSync(path.join(runs, d), { recursive: true, force: true });
  }
  const dir = path.join(runs, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Starts code-server in its own process group (so the extension host and language servers die with
 * it) and waits for /healthz. `extensionsDir` lets the VSIX test use a dir with the installed VSIX.
 * @param {{ runDir: string, extensionsDir?: string, env?: Record<string, string> }} opts
 */
export async function startCodeServer({ runDir, extensionsDir, env = {} }) {
  const port = await freePort();
  const ud = path.join(runDir, 'user-data');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(ud, 'User/settings.json'),
    JSON.stringify(
      {
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'chat.commandCenter.enabled': false,
        'workbench.enableExperiments': false,
        'editor.lightbulb.enabled': 'on',
        'files.autoSave': 'off',
        'git.openRepositoryInParentFolders': 'never',
        'git.enabled': false,
        'workbench.colorTheme': 'Default Light Modern',
      },
      null,
      2,
    ),
  );
  const exts = extensionsDir ?? path.join(runDir, 'extensions');
  fs.mkdirSync(exts, { recursive: true });
  const logFile = path.join(runDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      CS_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      ud,
      '--extensions-dir',
      exts,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...codeServerHomeEnv(), ...env },
    },
  );
  fs.closeSync(out);
  const pid = /** @type {number} */ (child.pid);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    await withTimeout(gone, 5000, 'code-server exit').catch(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return { url, port, pid, stop, logFile };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`code-server did not come up in 60 s; log:\n${fs.readFileSync(logFile, 'utf8')}`);
}

/** HOME/XDG dirs inside the cache so code-server and chromium never write to the real home. */
export function codeServerHomeEnv() {
  return { HOME: path.join(E2E_ROOT, 'home'), XDG_CONFIG_HOME: path.join(E2E_ROOT, 'xdg/config'), XDG_DATA_HOME: path.join(E2E_ROOT, 'xdg/data') };
}

/**
 * Opens the workbench for `folder` in headless chromium.
 * @param {{ url: string, runDir: string, folder: string, devExtension?: string, testsPath?: string,
 *           onConsole?: (text: string, type: string) => void }} opts
 */
/**
 * Opens the workbench on `folder` for a UI test: the installed VSIX when `installed` is set,
 * otherwise the development copy (E2E_DEV_EXTENSION or this repo); VERBOSE=1 echoes the browser console.
 */
export function openUiWorkbench(/** @type {{ url: string; runDir: string; folder: string; installed?: string }} */ { url, runDir, folder, installed }) {
  return openWorkbench({
    url,
    runDir,
    folder,
    devExtension: installed ? undefined : path.resolve(process.env.E2E_DEV_EXTENSION ?? REPO),
    onConsole: (/** @type {string} */ t) => {
      if (process.env.VERBOSE) console.log(`  [browser] ${t}`);
    },
  });
}

/** @param {{ url: string; runDir: string; folder: string; devExtension?: string; testsPath?: string; onConsole?: (text: string, type?: string) => void }} opts */
export async function openWorkbench({ url, runDir, folder, devExtension, testsPath, onConsole }) {
  const { chromium } = playwright();
  const browser = await withTimeout(
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      env: { ...process.env, ...codeServerHomeEnv() },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
    40_000,
    'chromium launch',
  );
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  const consoleLines = /** @type {string[]} */ ([]);
  page.on('console', (m) => {
    consoleLines.push(`[${m.type()}] ${m.text()}`);
    onConsole?.(m.text(), m.type());
  });
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  /** @type {Promise<{ code: number, logs?: Array<{ relativePath: string, contents: string }> }> | undefined} */
  let exitP;
  if (testsPath) {
    // The web workbench calls window.codeAutomationExit(code, logs) when the extension tests end.
    exitP = new Promise((res) => {
      void page.exposeFunction('codeAutomationExit', (/** @type {number} */ code, /** @type {any} */ logs) => {
        res({ code, logs });
      });
    });
  }
  const host = new URL(url).host;
  /** @type {string[][]} */
  const payload = [];
  if (devExtension) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${devExtension}`]);
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${testsPath}`]);
  const q = `folder=${encodeURIComponent(folder)}` + (payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
  await page.goto(`${url}/?${q}`, { timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const close = async () => {
    fs.writeFileSync(path.join(runDir, 'browser-console.txt'), consoleLines.join('\n'));
    await withTimeout(browser.close(), 10_000, 'chromium close').catch(() => {});
  };
  return { browser, page, exitP, close, consoleLines };
}
