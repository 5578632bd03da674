/** The language client for Dockerfiles; the server (dist/server.js) runs as server-transport.ts decides. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, type LanguageClientOptions } from 'vscode-languageclient/node';
import { SHOW_DOCS_COMMAND } from '../../common/src/protocol.js';
import { serverRuntime } from './server-transport.js';
import type { Provisional } from './provisional.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { linkRuleDocs } from './rule-docs-link.js';

export interface ClientInit {
  /** The cache of package indexes; undefined: the server waits for PACKAGE_INDEX_DIR_NOTIFICATION before reading any. */
  packageIndexDir?: string;
  /** Whether the configured builder has BuildKit, when known at start (undefined: unknown). */
  buildkit?: boolean;
}

/**
 * The client for `serverModule` (dist/server.js); `onFirstDiagnostics` runs once, after the first diagnostics are
 * shown. The server's diagnostics for a document replace `provisional`'s in the same tick.
 */
export function createClient(serverModule: string, init: ClientInit, onFirstDiagnostics?: () => void, provisional?: Provisional): LanguageClient {
  // The server's stderr goes to the client's output channel (the client exists by the time the server runs).
  const runtime = serverRuntime(serverModule, (text) => client.outputChannel.append(text));
  let first = onFirstDiagnostics;
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // A created or deleted .dockerignore changes DS012 at once (the server lints again).
    synchronize: { configurationSection: 'dockerfileSlim', fileEvents: vscode.workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore}') },
    initializationOptions: { buildkit: init.buildkit, packageIndexDir: init.packageIndexDir, packageIndexDirLater: init.packageIndexDir === undefined },
    diagnosticCollectionName: 'dockerfile-slim',
    // The server's log and, with `dockerfileSlim.trace.server` (read by the client under its id), the LSP trace.
    outputChannelName: 'Dockerfile Slim: Language Server',
    // Hovers link to the rule's documentation (this command only) and fold details in <details> (HTML is sanitised by VS Code).
    markdown: { isTrusted: { enabledCommands: [SHOW_DOCS_COMMAND] }, supportHtml: true },
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        try {
          provisional?.takeOver(uri);
        } finally {
          // The rule code opens the rendered page, not the raw Markdown file (rule-docs-link.ts).
          for (const d of diagnostics) linkRuleDocs(d, vscode.Uri.parse);
          next(uri, diagnostics);
        }
        const f = first;
        first = undefined;
        f?.();
      },
    },
  };
  const client = new LanguageClient('dockerfileSlim', 'Dockerfile Slim', runtime.options, clientOptions);
  // Stopped for good or before a restart: the old server's worker goes (a restart starts a new one).
  client.onDidChangeState((e) => {
    if (e.newState !== State.Stopped) return;
    runtime.dispose();
    provisional?.dispose();
  });
  return client;
}

/** dist/server.js next to this bundle (dist/extension.js). */
export function serverModule(): string {
  return path.join(__dirname, 'server.js');
}
