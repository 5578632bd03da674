/** Activation: start the language server, register commands and the layer-size CodeLens. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './language-client.js';
import { optimize, type OptimizeArgs } from './optimize-command.js';
import { registerLayerFeatures } from './layer-lens.js';
import { registerEstimateFeatures } from './estimate-lens.js';
import { registerEditorCommands } from './editor-commands.js';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): { ready: Promise<void> } {
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
  return { ready };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
