#!/usr/bin/env node
// @ts-check
// A `vscodeExecutablePath` for @vscode/test-electron's runTests where VS Code cannot be downloaded:
// it takes the command line runTests gives a VS Code binary (--extensionDevelopmentPath=…,
// --extensionTestsPath=…, the folder to open, VS Code-only flags it ignores), runs the same
// extension tests in code-server (VS Code 1.100.3) through headless chromium, and exits with the
// tests' exit code, as VS Code would.
// Env: DSLIM_E2E_RUN_DIR (the run directory; default: a new one), DSLIM_E2E_EXTENSIONS_DIR (an
// extensions dir with the installed VSIX), SUITE_TIMEOUT_MS (default 240000), VERBOSE=1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, newRunDir, openWorkbench, requireSetup, startCodeServer, withTimeout } from './code-server.mjs';

/** @param {string[]} argv */
export function parseVsCodeArgs(argv) {
  /** @type {{ devExtension?: string, testsPath?: string, folder?: string }} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    const m = /^--(extensionDevelopmentPath|extensionTestsPath)(?:=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (m[1] === 'extensionDevelopmentPath') out.devExtension = value;
      else out.testsPath = value;
    } else if (!a.startsWith('-') && out.folder === undefined) {
      out.folder = a;
    }
  }
  return out;
}

async function main() {
  const { devExtension, testsPath, folder } = parseVsCodeArgs(process.argv.slice(2));
  if (!testsPath || !folder) {
    console.error('code-server-as-vscode: expected --extensionTestsPath=… and a folder to open');
    return 2;
  }
  requireSetup();
  const runDir = process.env.DSLIM_E2E_RUN_DIR ?? newRunDir(path.basename(path.dirname(testsPath)));
  const extensionsDir = process.env.DSLIM_E2E_EXTENSIONS_DIR;
  // The extension test environment (runTests' extensionTestsEnv) reaches us as our own environment;
  // code-server passes its environment on to the extension host.
  const cs = await startCodeServer({ runDir, extensionsDir: extensionsDir && path.resolve(extensionsDir) });
  let code = 1;
  try {
    log(`code-server up at ${cs.url}; tests ${testsPath}`);
    const wb = await openWorkbench({
      url: cs.url,
      runDir,
      folder: path.resolve(folder),
      devExtension: devExtension && path.resolve(devExtension),
      testsPath: path.resolve(testsPath),
      onConsole: (text) => {
        if (process.env.VERBOSE) console.log(`  [browser] ${text}`);
      },
    });
    try {
      const result = await withTimeout(/** @type {Promise<any>} */ (wb.exitP), Number(process.env.SUITE_TIMEOUT_MS ?? 240_000), 'extension tests');
      for (const l of result.logs ?? []) fs.writeFileSync(path.join(runDir, l.relativePath.replace(/[\\/]/g, '_')), l.contents);
      code = typeof result.code === 'number' ? result.code : 1;
    } catch (e) {
      console.error(String(e));
      console.error('--- last browser console lines ---\n' + wb.consoleLines.slice(-40).join('\n'));
    } finally {
      await wb.close();
    }
  } finally {
    await cs.stop();
  }
  if (code !== 0) console.error(`--- tail of ${cs.logFile} ---\n` + fs.readFileSync(cs.logFile, 'utf8').split('\n').slice(-25).join('\n'));
  return code;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('code-server-as-vscode.mjs')) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
