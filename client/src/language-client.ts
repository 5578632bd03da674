/** Starts the language server (dist/server.js over IPC) for Dockerfiles. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile', scheme: 'file' },
  { language: 'dockerfile', scheme: 'untitled' },
];

export function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'dockerfileSlim' },
    diagnosticCollectionName: 'dockerfile-slim',
    initializationOptions: { packageIndexDir: path.join(context.globalStorageUri.fsPath, 'packages') },
  };
  return new LanguageClient('dockerfileSlim', 'Dockerfile Slim', serverOptions, clientOptions);
}
