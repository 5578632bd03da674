/** Activation: start the language server, register commands and the layer-size CodeLens. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './language-client.js';
import { optimize, type OptimizeArgs } from './optimize-command.js';
import { registerLayerFeatures } from './layer-lens.js';
import { registerEstimateFeatures } from './estimate-lens.js';
import { registerEditorCommands } from './editor-commands.js';

let client: LanguageClient | undefined;
/** performance.now() when this bundle finished loading, and around activate(): the activation benchmark reads them. */
const timings = { loaded: performance.now(), activateStart: NaN, activateEnd: NaN };

export function activate(context: vscode.ExtensionContext): { ready: Promise<void>; timings: typeof timings } {
  timings.activateStart = performance.now();
  client = createClient(context);
  const ready = client.start();
  context.subscriptions.push(
    vscode.commands.registerCommand('dockerfileSlim.optimize', (args?: OptimizeArgs) => optimize(args, context.globalState)),
    vscode.commands.registerCommand('dockerfileSlim.optimizeUnsafe', (args?: OptimizeArgs) => optimize({ ...args, unsafe: true }, context.globalState)),
    { dispose: () => void client?.stop() },
  );
  registerLayerFeatures(context, (method, params) => client?.sendNotification(method, params));
  registerEstimateFeatures(context, client);
  registerEditorCommands(context, client, ready);
  timings.activateEnd = performance.now();
  return { ready, timings };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
