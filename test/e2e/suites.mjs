// @ts-check
// The extension-host test suites that `npm run test:e2e` runs, each in a fresh code-server with its
// own copy of its fixture workspace. Paths are relative to the repository root.
//   tests:     compiled module exporting run() (TypeScript source next to it under test/e2e/)
//   workspace: fixture folder; copied to the run dir, so tests may edit and save freely
//   env:       extra environment for code-server and thus the extension host (`<workspace>` = the copy)
//   prepare:   optional script run first (cwd = the copied workspace, 300 s limit); exit 77 = skip the
//              suite (e.g. no Docker daemon), any other non-zero exit fails it
//   requires:  the suite is skipped, with a message, until all of these exist

//   bench:     only run when named with --suite (bench/activation.ts), not by `npm test`

/** @type {Array<{ name: string, tests: string, workspace: string, env?: Record<string, string>, prepare?: string, requires?: string[], bench?: boolean }>} */
export const suites = [
  {
    name: 'diagnostics-fixes-optimize',
    tests: 'out/test/e2e/suite/index.js',
    workspace: 'test/e2e/workspace',
  },
  // LAYER-LENS HOOK (owned by the layer CodeLens engineer): tests in test/e2e/suite-layers/*.test.ts
  // with an index.ts that is a copy of test/e2e/suite/index.ts; fixture and expectations in
  // test/e2e/workspace-layers/. prepare.sh builds the measured image (make it exit 77 when there is
  // no Docker daemon, so machines without Docker skip this suite instead of failing).
  // Helpers: test/e2e/support/vscode-helpers.ts (openFixture, waitFor*). See test/e2e/README.md.
  {
    name: 'layer-lens',
    tests: 'out/test/e2e/suite-layers/index.js',
    workspace: 'test/e2e/workspace-layers',
    prepare: 'prepare.sh',
    requires: ['test/e2e/suite-layers/index.ts'],
  },
  // A fresh window whose first Dockerfile is 100 lines: the provisional diagnostics come first and equal the
  // server's (npm test); `npm run bench` (bench/activation.ts) runs it for the timings (issue 14).
  {
    name: 'activation',
    tests: 'out/test/e2e/suite-activation/index.js',
    workspace: 'test/e2e/workspace-activation',
  },
];
