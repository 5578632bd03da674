#!/usr/bin/env node
// @ts-check
// Runs the extension-host test suites (test/e2e/suites.mjs) in a real VS Code (code-server) driven
// by headless chromium. Exit status 0 only if every suite that ran passed.
//   node scripts/e2e/run-extension-tests.mjs [--suite NAME]... [--grep TEXT]
//   node scripts/e2e/run-extension-tests.mjs --installed EXTENSIONS_DIR   # test an installed VSIX
// Env: SUITE_TIMEOUT_MS (default 240000), VERBOSE=1 (echo the browser console),
//      E2E_DEV_EXTENSION=/path (test another unpacked extension than this repo: harness checks).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { copyWorkspace, log, newRunDir, openWorkbench, REPO, requireSetup, startCodeServer, withTimeout } from './code-server.mjs';
import { suites } from '../../test/e2e/suites.mjs';

const DEV_EXTENSION = path.resolve(process.env.E2E_DEV_EXTENSION ?? REPO);

const { values: args } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    grep: { type: 'string' },
    installed: { type: 'string' },
  },
});
const SUITE_TIMEOUT_MS = Number(process.env.SUITE_TIMEOUT_MS ?? 240_000);
/** @type {Array<() => Promise<void>>} */
const cleanups = [];
async function cleanupAll() {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    void cleanupAll().finally(() => process.exit(130));
  });
}

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
  log(`suite ${suite.name}: starting code-server (run dir ${runDir})`);
  const cs = await startCodeServer({ runDir, extensionsDir: args.installed && path.resolve(args.installed), env });
  cleanups.push(cs.stop);
  log(`suite ${suite.name}: code-server up at ${cs.url}`);
  const wb = await openWorkbench({
    url: cs.url,
    runDir,
    folder: ws,
    devExtension: args.installed ? stubDevExtension(runDir) : DEV_EXTENSION,
    testsPath: path.join(REPO, suite.tests),
    onConsole: (text) => {
      if (process.env.VERBOSE) console.log(`  [browser] ${text}`);
    },
  });
  cleanups.push(wb.close);
  log(`suite ${suite.name}: workbench up, tests running in the extension host`);
  /** @type {{ code: number | string, logs?: Array<{ relativePath: string, contents: string }> }} */
  let result;
  try {
    result = await withTimeout(/** @type {Promise<any>} */ (wb.exitP), SUITE_TIMEOUT_MS, `suite ${suite.name}`);
  } catch (e) {
    result = { code: 'TIMEOUT' };
    console.error(String(e));
    console.error('--- last browser console lines ---\n' + wb.consoleLines.slice(-40).join('\n'));
  }
  for (const l of result.logs ?? []) {
    fs.writeFileSync(path.join(runDir, l.relativePath.replace(/[\\/]/g, '_')), l.contents);
  }
  console.log(fs.existsSync(report) ? fs.readFileSync(report, 'utf8').trimEnd() : '(no test report written: did run() start?)');
  await cleanupAll();
  const passed = result.code === 0;
  if (!passed) {
    console.error(`--- tail of ${cs.logFile} ---\n` + fs.readFileSync(cs.logFile, 'utf8').split('\n').slice(-25).join('\n'));
  }
  return { name: suite.name, status: passed ? 'passed' : 'failed', detail: `exit code ${result.code}, artifacts in ${runDir}` };
}

requireSetup();
if (!args.installed && !process.env.E2E_DEV_EXTENSION && !fs.existsSync(path.join(REPO, 'dist/extension.js'))) {
  console.error('dist/extension.js missing: run `npm run build` first');
  process.exit(2);
}
const selected = suites.filter((s) => !args.suite || args.suite.includes(s.name));
if (selected.length === 0) {
  console.error(`no suite named ${args.suite}`);
  process.exit(2);
}
const results = [];
for (const s of selected) {
  const t = Date.now();
  const r = await runSuite(s).catch(async (e) => {
    await cleanupAll();
    return { name: s.name, status: 'failed', detail: String(e) };
  });
  results.push(r);
  log(`suite ${r.name}: ${r.status.toUpperCase()} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${r.detail}`);
}
const ran = results.filter((r) => r.status !== 'skipped');
const ok = ran.length > 0 && ran.every((r) => r.status === 'passed');
log(`${ok ? 'PASSED' : 'FAILED'}: ${results.map((r) => `${r.name}=${r.status}`).join(', ')}`);
process.exit(ok ? 0 : 1);
