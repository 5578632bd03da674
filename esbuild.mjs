// Bundles the faces of Dockerfile Slim into dist/ (CommonJS, Node 20).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** @type {import('esbuild').BuildOptions[]} */
const entries = [
  // What VS Code loads: provisional diagnostics first, then dist/client.js (the rest of the extension).
  { entryPoints: ['client/src/entry.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  // The layer lens reads images and aligns layers in a worker thread (client/src/layer-pool.ts loads it next to client.js).
  { entryPoints: ['client/src/layer-worker.ts'], outfile: 'dist/layer-worker.js' },
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' },
  // The editor starts the server through this loader (a V8 code cache of dist/server.js).
  { entryPoints: ['server/src/lsp/cached-start.ts'], outfile: 'dist/server-cached.js' },
  // The server lints big documents in worker threads (server/src/runner/lint-pool.ts loads it next to server.js).
  { entryPoints: ['server/src/runner/lint-worker.ts'], outfile: 'dist/lint-worker.js' },
  // The server answers package hovers and estimates in a worker thread (server/src/lsp/package-pool.ts loads it next to server.js).
  { entryPoints: ['server/src/lsp/package-worker.ts'], outfile: 'dist/package-worker.js' },
  // The server walks build contexts in a worker thread (server/src/runner/context-pool.ts loads it next to server.js).
  { entryPoints: ['server/src/runner/context-worker.ts'], outfile: 'dist/context-worker.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/engine/index.ts'], outfile: 'dist/engine.js' },
  { entryPoints: ['common/src/image-layers/index.ts'], outfile: 'dist/layers.js' },
];

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
