// Starting the language server as early as possible. VS Code loads this bundle as soon as a Dockerfile opens, but
// calls activate() only once the extension's context (global and workspace state) has come back from the window,
// which took 0.5-1.4 s in a busy code-server window. The language client needs no context, so it starts while the
// bundle loads and the server boots meanwhile; activate() takes the running client over and sends the package-index
// folder (from the context) afterwards. See README "Activation in a real extension host".
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient, serverModule, type ClientInit } from './language-client.js';
import type { Provisional } from './provisional.js';

export interface StartedClient {
  client: LanguageClient;
  /** Resolves when the server answered `initialize` (rejects if it could not start). */
  ready: Promise<void>;
  /** Resolves once the first diagnostics are out and a Dockerfile editor is visible, or a moment after `ready`: then the rest may start. */
  settled: Promise<void>;
  /** Whether the server still waits for the package-index folder (started before the context existed). */
  needsIndexDir: boolean;
}

let provisionalShown = (): number => NaN;

/** performance.now() at the steps of activation: the activation benchmark reads them (exports.timings). */
export const timings = {
  /** dist/extension.js (entry.ts) started to load. */
  entry: NaN,
  /** This bundle (dist/client.js) loaded. */
  loaded: NaN,
  clientStart: NaN,
  activateStart: NaN,
  activateEnd: NaN,
  serverReady: NaN,
  /** The server's first diagnostics were shown. */
  serverDiagnostics: NaN,
  /** The first provisional diagnostics were set (provisional.ts); NaN if none were. */
  get provisionalShown(): number {
    return provisionalShown();
  },
};

/** How long after `ready` the features that wait for the first diagnostics start anyway. */
const SETTLE_FALLBACK_MS = 2000;

/** `provisional`: the diagnostics shown until the server's replace them (it hears when the server is up, or failed). */
export function startClient(init: ClientInit, provisional?: Provisional): StartedClient {
  let firstShown!: () => void;
  const shown = new Promise<void>((r) => (firstShown = r));
  const onFirst = (): void => {
    if (Number.isNaN(timings.serverDiagnostics)) timings.serverDiagnostics = performance.now();
    firstShown();
  };
  const client = createClient(serverModule(), init, onFirst, provisional);
  timings.clientStart = performance.now();
  const ready = client.start();
  void ready.then(
    () => {
      timings.serverReady = performance.now();
      provisional?.serverReady();
    },
    () => provisional?.dispose(),
  );
  const fallback = ready.then(
    () => new Promise<void>((r) => setTimeout(r, SETTLE_FALLBACK_MS)),
    () => undefined,
  );
  // The first diagnostics are out and VS Code shows the Dockerfile: what remains no longer competes with either.
  const settled = Promise.race([shown.then(dockerfileVisible), fallback]);
  return { client, ready, settled, needsIndexDir: init.packageIndexDir === undefined };
}

/** Resolves once an editor shows a Dockerfile (at once if one does). */
function dockerfileVisible(): Promise<void> {
  const visible = (): boolean => vscode.window.visibleTextEditors.some((e) => e.document.languageId === 'dockerfile');
  if (visible()) return Promise.resolve();
  return new Promise((resolve) => {
    const sub = vscode.window.onDidChangeVisibleTextEditors(() => {
      if (!visible()) return;
      sub.dispose();
      resolve();
    });
  });
}

let early: StartedClient | undefined;

/**
 * Called once the bundles have loaded (entry.ts): starts the client if this is a real extension host (a stand-in
 * `vscode`, as in bench/protocol.ts, has no document list). Never throws: on any failure activate() starts the
 * client itself (and the provisional diagnostics go).
 */
export function startEarly(provisional: Provisional | undefined, entered: number): void {
  timings.entry = entered;
  provisionalShown = () => provisional?.firstShownAt ?? NaN;
  try {
    if (!Array.isArray(vscode.workspace.textDocuments)) return;
    early = startClient({}, provisional);
    early.ready.catch(() => undefined);
  } catch {
    early = undefined;
    provisional?.dispose();
  }
}

/** The client started while loading, once (a second activation starts its own). */
export function takeEarlyClient(): StartedClient | undefined {
  const e = early;
  early = undefined;
  return e;
}
