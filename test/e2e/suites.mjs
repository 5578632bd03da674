// @ts-check
// The extension-host test suites that `npm run test:e2e` runs, each in a fresh code-server with its
// own copy of its fixture workspace. Paths are relative to the repository root.
//   tests:     compiled module exporting run() (TypeScript source next to it under test/e2e/)
//   workspace: fixture folder; copied to the run dir, so tests may edit and save freely
//   env:       extra environment for code-server and thus the extension host (e.g. a fake docker on PATH)
//   requires:  the suite is skipped, with a message, until all of these exist

/** @type {Array<{ name: string, tests: string, workspace: string, env?: Record<string, string>, requires?: string[] }>} */
export const suites = [
  {
    name: 'diagnostics-fixes-optimize',
    tests: 'out/test/e2e/suite/index.js',
    workspace: 'test/e2e/workspace',
  },
  // LAYER-LENS HOOK (owned by the layer CodeLens engineer): put the tests in
  // test/e2e/suite-layers/*.test.ts with an index.ts that is a copy of test/e2e/suite/index.ts,
  // the fixture in test/e2e/workspace-layers/, and a fake `docker` (for `docker history`) in
  // test/e2e/workspace-layers/.bin/ if needed; the PATH entry below puts it first for the
  // extension host. Helpers: test/e2e/support/vscode-helpers.ts (openFixture, waitFor*).
  {
    name: 'layer-lens',
    tests: 'out/test/e2e/suite-layers/index.js',
    workspace: 'test/e2e/workspace-layers',
    env: { PATH: `<workspace>/.bin:${process.env.PATH ?? ''}` },
    requires: ['test/e2e/suite-layers/index.ts', 'test/e2e/workspace-layers'],
  },
];
