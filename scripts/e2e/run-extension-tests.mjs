#!/usr/bin/env node
// @ts-check
// Runs the extension-host test suites (test/e2e/suites.mjs) through @vscode/test-electron's runTests:
// in a desktop VS Code (DSLIM_VSCODE_PATH, or downloaded 1.100.3) where that works, else in code-server
// 1.100.3 under headless chromium via scripts/e2e/code-server-as-vscode.mjs. Exit status 0 only if
// every suite that ran passed.
//   node scripts/e2e/run-extension-tests.mjs [--suite NAME]... [--grep TEXT]
//   node scripts/e2e/run-extension-tests.mjs --installed EXTENSIONS_DIR   # test an installed VSIX
// Env: SUITE_TIMEOUT_MS (default 240000), VERBOSE=1 (echo the browser console),
//      E2E_DEV_EXTENSION=/path (test another unpacked extension than this repo: harness checks).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { copyWorkspace, log, newRunDir, REPO, requireSetup, withTimeout } from './code-server.mjs';
import { suites } from '../../test/e2e/suites.mjs';

const DEV_EXTENSION = path.resolve(process.env.E2E_DEV_EXTENSION ?? REPO);

const { values: args } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    grep: { type: 'string' },
    installed: { type: 'string' },
  },
});

/** A do-nothing extension used as extensionDevelopmentPath when testing the installed VSIX:
 * the workbench only runs extension tests in development mode. */
function stubDevExtension(/** @type {string} */ runDir) {
  const dir = path.join(runDir, 'e2e-host-extension');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'e2e-host',
      publisher: 'dockerfile-slim-tests',
      version: '0.0.0',
      engines: { vscode: '*' },
    }),
  );
  return dir;
}

/**
 * The VS Code that runTests launches: DSLIM_VSCODE_PATH (a desktop install), else a download of
 * VS Code 1.100.3 by @vscode/test-electron, else (no network to the VS Code CDN, as on CI here) the
 * code-server adapter, which runs the same suites in VS Code 1.100.3 under headless chromium.
 * DSLIM_VSCODE=download|code-server forces one of the last two.
 */
let resolvedVsCode;
async function vscodeExecutable() {
  if (resolvedVsCode) return resolvedVsCode;
  const adapter = path.join(REPO, 'scripts/e2e/code-server-as-vscode.mjs');
  const mode = process.env.DSLIM_VSCODE ?? 'auto';
  if (process.env.DSLIM_VSCODE_PATH) resolvedVsCode = process.env.DSLIM_VSCODE_PATH;
  else if (mode === 'code-server') resolvedVsCode = adapter;
  else {
    try {
      resolvedVsCode = await withTimeout(downloadAndUnzipVSCode({ version: '1.100.3', timeout: 30_000 }), 300_000, 'VS Code download');
    } catch (e) {
      if (mode === 'download') throw e;
      log(`VS Code could not be downloaded (${String(e).split('\n')[0]}): using code-server 1.100.3 through ${path.relative(REPO, adapter)}`);
      resolvedVsCode = adapter;
    }
  }
  if (resolvedVsCode === adapter) requireSetup();
  return resolvedVsCode;
}

/** @param {typeof suites[number]} suite */
async function runSuite(suite) {
  const missing = [...new Set([suite.tests, suite.workspace, ...(suite.requires ?? [])])].filter((p) => !fs.existsSync(path.join(REPO, p)));
  if (missing.length) {
    const hint = missing.some((m) => m.startsWith('out/')) ? ' (run `npm run compile`)' : '';
    return { name: suite.name, status: 'skipped', detail: `missing ${missing.join(', ')}${hint}` };
  }
  const runDir = newRunDir(suite.name + (args.installed ? '-vsix' : ''));
  const ws = copyWorkspace(path.join(REPO, suite.workspace), runDir);
  if (suite.prepare) {
    log(`suite ${suite.name}: prepare ${suite.prepare}`);
    const p = spawnSync('bash', [suite.prepare], { cwd: ws, encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL' });
    fs.writeFileSync(path.join(runDir, 'prepare.log'), `${p.stdout ?? ''}${p.stderr ?? ''}`);
    if (p.status === 77) return { name: suite.name, status: 'skipped', detail: `prepare asked to skip: ${(p.stdout + p.stderr).trim().split('\n').pop()}` };
    if (p.status !== 0) return { name: suite.name, status: 'failed', detail: `prepare exited ${p.status ?? p.signal}:\n${p.stdout}${p.stderr}` };
  }
  const report = path.join(runDir, 'report.txt');
  /** @type {Record<string, string>} */
  const env = { DSLIM_E2E_REPORT: report, DSLIM_E2E_DEV_PATH: DEV_EXTENSION };
  for (const [k, v] of Object.entries(suite.env ?? {})) env[k] = v.replaceAll('<workspace>', ws);
  if (args.grep) env.DSLIM_E2E_GREP = args.grep;
  if (args.installed) env.DSLIM_E2E_INSTALLED_DIR = path.resolve(args.installed);
  env.DSLIM_E2E_RUN_DIR = runDir;
  if (args.installed) env.DSLIM_E2E_EXTENSIONS_DIR = path.resolve(args.installed);
  const vscode = await vscodeExecutable();
  log(`suite ${suite.name}: runTests with ${vscode} (run dir ${runDir})`);
  /** @type {number | string} */
  let code;
  try {
    // The standard runner (@vscode/test-electron), as on a desktop: it launches `vscode` with
    // --extensionDevelopmentPath/--extensionTestsPath and the folder, and fails on a non-zero exit.
    code = await runTests({
      vscodeExecutablePath: vscode,
      extensionDevelopmentPath: args.installed ? stubDevExtension(runDir) : DEV_EXTENSION,
      extensionTestsPath: path.join(REPO, suite.tests),
      launchArgs: [ws, '--disable-extensions'],
      extensionTestsEnv: env,
    });
  } catch (e) {
    code = /** @type {any} */ (e).code ?? String(e);
  }
  console.log(fs.existsSync(report) ? fs.readFileSync(report, 'utf8').trimEnd() : '(no test report written: did run() start?)');
  const passed = code === 0;
  return { name: suite.name, status: passed ? 'passed' : 'failed', detail: `exit code ${code}, artifacts in ${runDir}` };
}

if (!args.installed && !process.env.E2E_DEV_EXTENSION && !fs.existsSync(path.join(REPO, 'dist/extension.js'))) {
  console.error('dist/extension.js missing: run `npm run build` first');
  process.exit(2);
}
const selected = suites.filter((s) => (args.suite ? args.suite.includes(s.name) : !s.bench));
if (selected.length === 0) {
  console.error(`no suite named ${args.suite}`);
  process.exit(2);
}
const results = [];
for (const s of selected) {
  const t = Date.now();
  const r = await runSuite(s).catch(async (e) => {
    return { name: s.name, status: 'failed', detail: String(e) };
  });
  results.push(r);
  log(`suite ${r.name}: ${r.status.toUpperCase()} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${r.detail}`);
}
const ran = results.filter((r) => r.status !== 'skipped');
const ok = ran.length > 0 && ran.every((r) => r.status === 'passed');
log(`${ok ? 'PASSED' : 'FAILED'}: ${results.map((r) => `${r.name}=${r.status}`).join(', ')}`);
process.exit(ok ? 0 : 1);
