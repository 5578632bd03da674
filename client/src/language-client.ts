/** Starts the language server (dist/server.js over IPC) for Dockerfiles. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SHOW_DOCS_COMMAND } from '../../common/src/protocol.js';

export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile', scheme: 'file' },
  { language: 'dockerfile', scheme: 'untitled' },
];

/** `initial.buildkit`: whether the configured builder has BuildKit, when known at start (undefined: unknown). */
export function createClient(context: vscode.ExtensionContext, initial: { buildkit?: boolean } = {}): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // A created or deleted .dockerignore changes DS012 at once (the server lints again).
    synchronize: { configurationSection: 'dockerfileSlim', fileEvents: vscode.workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore}') },
    initializationOptions: { buildkit: initial.buildkit, packageIndexDir: path.join(context.globalStorageUri.fsPath, 'packages') },
    diagnosticCollectionName: 'dockerfile-slim',
    // Hovers link to the rule's documentation (this command only).
    markdown: { isTrusted: { enabledCommands: [SHOW_DOCS_COMMAND] } },
  };
  return new LanguageClient('dockerfileSlim', 'Dockerfile Slim', serverOptions, clientOptions);
}
