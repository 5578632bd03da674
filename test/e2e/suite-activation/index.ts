import { runMochaSuite } from '../support/mocha-runner';

/** Entry point the harness passes as `extensionTestsPath` (VS Code calls `run()` in the extension host). */
export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
