import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Runs every `*.test.js` in `dir` with mocha inside the extension host. The report goes to the
 * extension host console (the harness forwards it) and, when the harness sets
 * DSLIM_E2E_REPORT, to that file too, because the console path drops lines under load.
 */
export async function runMochaSuite(dir: string): Promise<void> {
  const reportFile = process.env['DSLIM_E2E_REPORT'];
  const grep = process.env['DSLIM_E2E_GREP'];
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 10_000, ...(grep ? { grep } : {}) });
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(dir, f));
  }
  const lines: string[] = [];
  const emit = (line: string): void => {
    lines.push(line);
    console.log(`[e2e] ${line}`);
    if (reportFile) {
      fs.appendFileSync(reportFile, line + '\n');
    }
  };
  return new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      emit(`${failures === 0 ? 'PASS' : 'FAIL'}: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) {
        reject(new Error(`${failures} e2e test(s) failed`));
      } else {
        resolve();
      }
    });
    runner.on('pass', (t) => emit(`  ok   ${t.fullTitle()} (${t.duration ?? 0} ms)`));
    runner.on('fail', (t, err: unknown) => {
      const e = err instanceof Error ? (err.stack ?? err.message) : String(err);
      emit(`  FAIL ${t.fullTitle()}\n${e.replace(/^/gm, '       ')}`);
    });
    runner.on('pending', (t) => emit(`  skip ${t.fullTitle()}`));
  });
}
