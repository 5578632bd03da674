// The one other process the extension starts: `dist/cli.js fetch-index` / `fetch-npm` (node, argument array, no
// shell) to download and parse package indexes and npm package sizes off the extension host. Only called when fetching is allowed and the
// workspace is trusted (estimate-lens.ts).
import { execFile } from 'node:child_process';

export interface FetchIndexResult {
  error?: string;
  stdout: string;
  stderr: string;
}

export function runFetchIndex(
  cliJs: string,
  cliArgs: readonly string[],
  timeoutMs = 300_000,
  command: 'fetch-index' | 'fetch-npm' = 'fetch-index',
): Promise<FetchIndexResult> {
  const args = [cliJs, command, ...cliArgs];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      resolve({ error: err ? err.message.split('\n')[0] : undefined, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
