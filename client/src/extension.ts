/** Activation (dist/client.js, loaded by entry.ts): start the language server, register commands and the layer-size CodeLens. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { lspActions, optimize, type OptimizeArgs } from './optimize-command.js';
import { registerLayerFeatures } from './layer-lens.js';
import { registerEstimateFeatures } from './estimate-lens.js';
import { registerContextLens } from './context-lens.js';
import { registerWholeImage } from './whole-image.js';
import { registerEditorCommands } from './editor-commands.js';
import { tickStepsOnEvents } from './walkthrough.js';
import { startClient, takeEarlyClient, timings } from './server-start.js';
import { MEASURED_SIZES_NOTIFICATION, OPTIMIZE_COMMAND, OPTIMIZE_UNSAFE_COMMAND, PACKAGE_INDEX_DIR_NOTIFICATION } from '../../common/src/protocol.js';

let client: LanguageClient | undefined;
timings.loaded = performance.now();

export function activate(context: vscode.ExtensionContext): { ready: Promise<void>; timings: typeof timings } {
  timings.activateStart = performance.now();
  const packageIndexDir = path.join(context.globalStorageUri.fsPath, 'packages');
  const started = takeEarlyClient() ?? startClient({ packageIndexDir });
  const { ready, settled } = started;
  client = started.client;
  const c = client;
  const actions = lspActions(c, ready);
  if (started.needsIndexDir) void ready.then(() => c.sendNotification(PACKAGE_INDEX_DIR_NOTIFICATION, { dir: packageIndexDir })).catch(() => undefined);
  // Commands at once (the command palette works immediately); CodeLens, hovers and the `docker version` probe
  // once the first diagnostics are out, so they do not compete with the server's start.
  context.subscriptions.push(
    vscode.commands.registerCommand(OPTIMIZE_COMMAND, (args?: OptimizeArgs) => optimize(args, context.globalState, actions)),
    vscode.commands.registerCommand(OPTIMIZE_UNSAFE_COMMAND, (args?: OptimizeArgs) => optimize({ ...args, unsafe: true }, context.globalState, actions)),
    { dispose: () => void c.stop() },
  );
  const measured = new vscode.EventEmitter<void>(); // a build measured: the whole-image estimate gives way
  context.subscriptions.push(measured);
  registerLayerFeatures(
    context,
    (method, params) => {
      if (method === MEASURED_SIZES_NOTIFICATION) measured.fire();
      return client?.sendNotification(method, params);
    },
    settled,
  );
  const indexes = registerEstimateFeatures(context, c, settled);
  const contextSizes = registerContextLens(context, c, settled);
  registerWholeImage(context, c, [indexes, contextSizes, measured.event], settled);
  registerEditorCommands(context, c, ready, settled);
  tickStepsOnEvents(context);
  timings.activateEnd = performance.now();
  return { ready, timings };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

// Called by entry.ts (dist/extension.js) once this bundle has loaded, before VS Code has the context ready for activate().
export { startEarly } from './server-start.js';
