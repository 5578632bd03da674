// The whole image before the first build (vscode glue only; the total is the server's WHOLE_IMAGE_REQUEST, which
// reads the same function as `dockerfile-slim estimate`). A status-bar item for the active Dockerfile and a CodeLens
// on the final stage's FROM line: "≈ 152 MB whole image est. · base 117 MB". The base's exact size comes from the
// local Docker when the image is there: `docker image inspect` only (never a pull), only in a trusted workspace, once
// per image per session; the server falls back to the package index. Quiet: no figure, no lens (the FROM hover says
// why). After a build the measured sizes replace the estimate: no lens on a built FROM line, no status item once the
// Dockerfile has a build record (the measured image size has its own status item).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runDocker } from '../../common/src/docker/docker-cli.js';
import { SHOW_WHOLE_IMAGE_COMMAND, WHOLE_IMAGE_REQUEST, type WholeImageParams, type WholeImageResult } from '../../common/src/protocol.js';
import { registerWhenSettled } from './after-settled.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { dockerOptions, instructionHashes, recordKey, type BuildRecord } from './build-measure.js';
import { mb } from './context-lens.js';
import { mappedImage } from './layer-lens.js';
import { fullName, setting } from './settings.js';

/** "≈ 152 MB whole image est. · base 117 MB" (the lens) and the status bar's shorter form. */
export function wholeImageTitle(w: WholeImageResult): string {
  const more = w.complete ? '' : '+';
  return `≈ ${mb(w.bytes ?? 0)}${more} whole image est. · base ${mb(w.base.bytes ?? 0)}${w.base.source === 'docker' ? '' : ' est.'}`;
}

/** The tooltip: what the total holds and which lines it could not count. */
export function wholeImageTooltip(w: WholeImageResult): string {
  const base =
    w.base.source === 'docker'
      ? `base ${w.image} ${mb(w.base.bytes ?? 0)} (local Docker, exact)`
      : `base ${w.image} ≈ ${mb(w.base.bytes ?? 0)} (${w.base.release ?? 'package'} index, ${w.base.packages ?? 0} packages)`;
  const parts = [base];
  if (w.packageBytes) parts.push(`packages ≈ ${mb(w.packageBytes)}`);
  if (w.npmBytes) parts.push(`npm packages ≈ ${mb(w.npmBytes)}`);
  if (w.contextBytes) parts.push(`build context ≈ ${mb(w.contextBytes)}${w.complete ? '' : ' or more'}`);
  const missing = w.notCounted.length ? `\nNot counted (no estimate): line${w.notCounted.length > 1 ? 's' : ''} ${w.notCounted.join(', ')}` : '';
  return `Whole image before a build: ${parts.join(' + ')}${missing}`;
}

class WholeImageLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem('dockerfileSlim.imageEstimate', vscode.StatusBarAlignment.Right, 99);
  /** Local image sizes (null: not in the local Docker, or no Docker); one lookup per image per session. */
  private readonly local = new Map<string, number | null>();
  private readonly results = new Map<string, { version: number; result: WholeImageResult | null }>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {
    this.status.name = 'Dockerfile Slim: image estimate';
  }

  dispose(): void {
    this.status.dispose();
    this.changed.dispose();
  }

  refresh(): void {
    this.results.clear();
    this.changed.fire();
    void this.updateStatus();
  }

  private built(doc: vscode.TextDocument): BuildRecord | undefined {
    return doc.uri.scheme === 'file' ? this.context.workspaceState.get<BuildRecord>(recordKey(doc.uri.fsPath)) : undefined;
  }

  /** Measured sizes replace the estimate: a build record, or an image mapped in `dockerfileSlim.layers.image`. */
  private measured(doc: vscode.TextDocument): boolean {
    return !!this.built(doc) || !!mappedImage(doc);
  }

  /** The server's total for the document (cached per version); starts the local-image lookup of its base. */
  async compute(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<WholeImageResult | null> {
    if (!setting('packages.estimates', doc.uri)) return null;
    const hit = this.results.get(doc.uri.toString());
    if (hit && hit.version === doc.version) return hit.result;
    const local = [...this.local].filter((e): e is [string, number] => e[1] !== null).map(([image, bytes]) => ({ image, bytes }));
    let result: WholeImageResult | null;
    try {
      result = await this.client.sendRequest<WholeImageResult | null>(
        WHOLE_IMAGE_REQUEST,
        { uri: doc.uri.toString(), local } satisfies WholeImageParams,
        token,
      );
    } catch {
      return null;
    }
    this.results.set(doc.uri.toString(), { version: doc.version, result });
    if (result) this.lookUp(result.image, doc.uri);
    return result;
  }

  /** `docker image inspect` of a base, trusted workspaces only, never a pull; a hit refreshes the figures. */
  private lookUp(image: string, scope: vscode.Uri): void {
    if (this.local.has(image) || !vscode.workspace.isTrusted || image === 'scratch' || image.includes('$') || image.startsWith('-')) return;
    this.local.set(image, null);
    const opts = dockerOptions(scope);
    runDocker(['image', 'inspect', '--format', '{{.Size}}', '--', image], { ...opts, timeoutMs: Math.min(opts.timeoutMs, 10_000) }).then(
      (out) => {
        const n = Number(out.trim());
        if (!Number.isFinite(n) || n <= 0) return;
        this.local.set(image, n);
        this.refresh();
      },
      () => undefined, // not present locally, or no Docker: the index (or no figure) stands
    );
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const w = await this.compute(doc, token);
    if (doc === vscode.window.activeTextEditor?.document) this.show(doc, w);
    if (!w || w.bytes === null || w.line < 1 || w.line > doc.lineCount) return [];
    // Measured by the last build (or a mapped image): the layer lens shows the real sizes.
    if (mappedImage(doc)) return [];
    const record = this.built(doc);
    if (record && record.instructionHashes.includes(instructionHashes(doc.getText()).get(w.line) ?? '')) return [];
    const lens = { title: wholeImageTitle(w), command: SHOW_WHOLE_IMAGE_COMMAND, arguments: [w], tooltip: wholeImageTooltip(w) };
    return [new vscode.CodeLens(new vscode.Range(w.line - 1, 0, w.line - 1, 0), lens)];
  }

  async updateStatus(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return;
    if (!vscode.languages.match(DOCUMENT_SELECTOR, doc)) {
      this.status.hide();
      return;
    }
    this.show(doc, await this.compute(doc));
  }

  private show(doc: vscode.TextDocument, w: WholeImageResult | null): void {
    if (doc !== vscode.window.activeTextEditor?.document) return;
    if (!w || w.bytes === null || this.measured(doc)) {
      this.status.hide();
      return;
    }
    this.status.text = `$(package) ≈ ${mb(w.bytes)}${w.complete ? '' : '+'} est.`;
    this.status.tooltip = `${wholeImageTooltip(w)}\nEstimated before any build; Build and Measure shows the real size.`;
    this.status.show();
  }
}

/** The lens's click: the parts of the total and the lines it could not count. */
async function showWholeImage(w: WholeImageResult): Promise<void> {
  const items: vscode.QuickPickItem[] = wholeImageTooltip(w)
    .replace(/^Whole image before a build: /, '')
    .split(/ \+ |\n/)
    .map((label) => ({ label }));
  await vscode.window.showQuickPick(items, {
    title: `≈ ${mb(w.bytes ?? 0)}${w.complete ? '' : '+'} whole image before a build`,
    placeHolder: 'What the estimate holds',
  });
}

/** `changes`: events after which the total may differ (package indexes fetched, a build measured). */
export function registerWholeImage(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  changes: ReadonlyArray<vscode.Event<unknown>>,
  providersAfter?: Promise<unknown>,
): { refresh(): void } {
  const lens = new WholeImageLens(context, client);
  context.subscriptions.push(
    lens,
    vscode.commands.registerCommand(SHOW_WHOLE_IMAGE_COMMAND, (w: WholeImageResult) => showWholeImage(w)),
    ...changes.map((e) => e(() => lens.refresh())),
    vscode.window.onDidChangeActiveTextEditor(() => void lens.updateStatus()),
    vscode.workspace.onDidChangeConfiguration(
      (e) => (e.affectsConfiguration(fullName('packages')) || e.affectsConfiguration(fullName('build'))) && lens.refresh(),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lens.refresh()),
  );
  registerWhenSettled(context, providersAfter, () => [vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, lens)]);
  return lens;
}
