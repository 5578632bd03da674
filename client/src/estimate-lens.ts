// Size estimates before a build (vscode glue only; the work is in the server and common/src/package-index).
// A CodeLens "≈ 245 MB est. · 81 packages" on install RUNs that have no build measurement; clicking it lists the
// biggest packages. Missing indexes are fetched by a child process (`dist/cli.js fetch-index`), with a progress
// notification, only when the setting allows it and the workspace is trusted; the editor never waits for it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { instructionHashes, recordKey, type BuildRecord } from './build-measure.js';
import { runFetchIndex } from './index-fetch.js';
import { ESTIMATES_REQUEST, INDEXES_CHANGED, SHOW_ESTIMATE_COMMAND, type EstimatesResult, type WireEstimate } from '../../common/src/protocol.js';
import { registerWhenSettled } from './after-settled.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { fullName, setting } from './settings.js';

function mb(bytes: number): string {
  if (bytes >= 100e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

class EstimateLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Releases fetched (or tried) this session: one attempt each. */
  private readonly tried = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly log: vscode.OutputChannel,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!setting('packages.estimates', doc.uri)) return [];
    let res: EstimatesResult;
    try {
      res = await this.client.sendRequest<EstimatesResult>(ESTIMATES_REQUEST, { uri: doc.uri.toString() }, token);
    } catch {
      return [];
    }
    if (res.missing.length) this.fetch(res.missing, doc.uri);
    const record = doc.uri.scheme === 'file' ? this.context.workspaceState.get<BuildRecord>(recordKey(doc.uri.fsPath)) : undefined;
    const built = new Set(record?.instructionHashes ?? []);
    const hashes = record ? instructionHashes(doc.getText()) : new Map<number, string>();
    const lenses: vscode.CodeLens[] = [];
    for (const r of res.runs) {
      // Measured by the last build: the layer lens shows the real size; the estimate stays in the hover.
      if (built.has(hashes.get(r.line) ?? '')) continue;
      const title = `≈ ${mb(r.bytes)} est. · ${r.packages} packages`;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(r.line - 1, 0, r.line - 1, 0), {
          title,
          command: SHOW_ESTIMATE_COMMAND,
          arguments: [r],
          tooltip: `Installed size from the ${r.release} package index, before any build`,
        }),
      );
    }
    return lenses;
  }

  private fetch(images: string[], scope: vscode.Uri): void {
    const todo = images.filter((i) => !this.tried.has(i));
    if (!todo.length) return;
    if (!vscode.workspace.isTrusted || !setting('packages.fetch', scope)) return;
    for (const i of todo) this.tried.add(i);
    const mirrors = setting('packages.mirrors', scope);
    const args = ['--index-dir', vscode.Uri.joinPath(this.context.globalStorageUri, 'packages').fsPath];
    if (mirrors.debian) args.push('--mirror-debian', mirrors.debian);
    if (mirrors.ubuntu) args.push('--mirror-ubuntu', mirrors.ubuntu);
    args.push(...todo);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Dockerfile Slim: fetching the package index for ${todo.join(', ')} (size estimates)` },
      async () => {
        const r = await runFetchIndex(this.context.asAbsolutePath('dist/cli.js'), args);
        if (r.stderr.trim()) this.log.appendLine(r.stderr.trim());
        if (r.error) this.log.appendLine(`dockerfile-slim: fetching package indexes failed: ${r.error} (no size estimates)`);
        if (r.stdout.trim()) this.log.appendLine(r.stdout.trim());
        void this.client.sendNotification(INDEXES_CHANGED);
        this.changed.fire();
      },
    );
  }
}

async function showEstimate(r: WireEstimate): Promise<void> {
  const items: vscode.QuickPickItem[] = r.top.map((p) => ({ label: p.name, description: mb(p.bytes) }));
  const saves = r.withRecommendsBytes - r.withoutRecommendsBytes;
  const note = r.recommends && saves > 0 ? ` · --no-install-recommends saves ≈${mb(saves)} (${r.dropped} packages)` : '';
  await vscode.window.showQuickPick(items, {
    title: `≈ ${mb(r.bytes)} · ${r.packages} packages (${r.release})${note}`,
    placeHolder: 'Biggest packages this RUN adds',
  });
}

export function registerEstimateFeatures(context: vscode.ExtensionContext, client: LanguageClient, providersAfter?: Promise<unknown>): void {
  const log = vscode.window.createOutputChannel('Dockerfile Slim: packages');
  const provider = new EstimateLensProvider(context, client, log);
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand(SHOW_ESTIMATE_COMMAND, (r: WireEstimate) => showEstimate(r)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(fullName('packages')) && provider.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
  );
  registerWhenSettled(context, providersAfter, () => [vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, provider)]);
}
