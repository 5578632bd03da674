/**
 * What VS Code loads (dist/extension.js): first the provisional diagnostics of the Dockerfiles open now
 * (provisional.ts: the engine, from a code cache, in a few tens of ms), then the extension itself (dist/client.js,
 * with the language client: about 100 ms to load), which starts the language server at once (server-start.ts).
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { startProvisional } from './provisional.js';

type Main = typeof import('./extension.js');

const entered = performance.now();
const provisional = startProvisional();
let main: Main | undefined;

/** dist/client.js, loaded once; the language client starts as soon as it has loaded. */
function load(): Main {
  if (!main) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    main = require(path.join(__dirname, 'client.js')) as Main;
    main.startEarly(provisional, entered);
  }
  return main;
}

// On the next timer, not now: VS Code sends the diagnostics just set to the window from a timer of its own, which
// would otherwise wait the 100 ms this load takes. activate() loads it at once if VS Code calls it first.
setTimeout(load, 0);

export function activate(context: vscode.ExtensionContext): ReturnType<Main['activate']> {
  return load().activate(context);
}

export function deactivate(): Promise<void> {
  return load().deactivate();
}
