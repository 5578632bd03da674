// Size estimates before a build (vscode glue only; the work is in the server and common/src/package-index).
// A CodeLens "≈ 245 MB est. · 81 packages" on install RUNs that have no build measurement; clicking it lists the
// biggest packages. Missing indexes (only of releases whose stages ship) are fetched by a child process
// (`dist/cli.js fetch-index`), one release at a time, with progress in the status bar, only when the setting allows
// it, the workspace is trusted and the user said yes once (asked with the download's size); the editor never waits.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { instructionHashes, recordKey, type BuildRecord } from './build-measure.js';
import { runFetchIndex } from './index-fetch.js';
import { ESTIMATES_REQUEST, INDEXES_CHANGED, SHOW_ESTIMATE_COMMAND, type EstimatesResult, type WireEstimate } from '../../common/src/protocol.js';
import { registerWhenSettled } from './after-settled.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { fullName, setting } from './settings.js';

/** The answer to "download package indexes?": asked once, before the first download, and remembered. */
export const CONSENT_KEY = `${fullName('packages')}.downloadConsent`;
export type Consent = 'yes' | 'no';

/** What one release's index download weighs (Packages.gz: Debian main; Ubuntu main + universe), for the question. */
export function downloadSize(image: string): string {
  return image.startsWith('ubuntu:') ? 'about 20 MB' : 'about 10 MB';
}

const stamp = (): string => `[${new Date().toTimeString().slice(0, 8)}]`;

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
  /** Releases (or npm lockfiles: `npm:<Dockerfile>`) waiting for their download; one child process at a time. */
  private readonly queue: Array<{ image: string; scope: vscode.Uri; npm?: { file: string; context: string } }> = [];
  private running = false;
  /** "Not now": no question again this session. */
  private declinedThisSession = false;
  private asking: Promise<boolean> | undefined;

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
    if (res.npmFetch && doc.uri.scheme === 'file') this.fetchNpm(doc.uri, res.npmFetch);
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
    // npm/yarn install lines: lockfile × registry sizes (the server's rows; a whole-image total sums their bytes).
    for (const n of res.npm ?? []) {
      if (n.bytes === null || built.has(hashes.get(n.line) ?? '')) continue;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(n.line - 1, 0, n.line - 1, 0), {
          title: `≈ ${mb(n.bytes)} est. · ${n.packages} npm packages${n.production ? ' (production)' : ''}`,
          command: '',
          tooltip: `Unpacked sizes from the npm registry for ${n.lockfile ?? 'the lockfile'}, before any build${n.unknown ? ` (${n.unknown} packages without a size)` : ''}`,
        }),
      );
    }
    return lenses;
  }

  /** npm sizes for a Dockerfile's lockfiles: same trust, setting and consent as the package indexes. */
  private fetchNpm(doc: vscode.Uri, want: { packages: number; context: string }): void {
    const key = `npm:${doc.fsPath}`;
    if (!vscode.workspace.isTrusted || !setting('packages.fetch', doc) || this.declinedThisSession) return;
    if (this.tried.has(key) || this.queue.some((q) => q.image === key)) return;
    void this.allowed([`npm registry metadata for ${want.packages} packages`]).then((ok) => {
      if (!ok || this.tried.has(key) || this.queue.some((q) => q.image === key)) return;
      this.queue.push({ image: key, scope: doc, npm: { file: doc.fsPath, context: want.context } });
      void this.drain();
    });
  }

  private fetch(images: string[], scope: vscode.Uri): void {
    if (!vscode.workspace.isTrusted || !setting('packages.fetch', scope)) return;
    const todo = images.filter((i) => !this.tried.has(i) && !this.queue.some((q) => q.image === i));
    if (!todo.length || this.declinedThisSession) return;
    void this.allowed(todo.map((i) => `${i} (${downloadSize(i)})`)).then((ok) => {
      if (!ok) return;
      for (const image of todo) if (!this.tried.has(image) && !this.queue.some((q) => q.image === image)) this.queue.push({ image, scope });
      void this.drain();
    });
  }

  /** Asks once (with the size) before the first download; the answer is remembered in global state. */
  private allowed(what: string[]): Promise<boolean> {
    const answer = this.context.globalState.get<Consent>(CONSENT_KEY);
    if (answer) return Promise.resolve(answer === 'yes');
    this.asking ??= (async () => {
      const yes = 'Download';
      const never = 'Never';
      const choice = await vscode.window.showInformationMessage(
        `Dockerfile Slim can estimate install sizes before a build from the distribution's package index and the npm registry. Download ${what.join(', ')}? It is cached; nothing else is sent.`,
        yes,
        'Not Now',
        never,
      );
      if (choice === yes || choice === never) await this.context.globalState.update(CONSENT_KEY, choice === yes ? 'yes' : 'no');
      if (choice !== yes) this.declinedThisSession = true;
      this.asking = undefined;
      return choice === yes;
    })();
    return this.asking;
  }

  /** `dist/cli.js fetch-npm` for one Dockerfile (the lockfiles its COPY lines bring from the context). */
  private async runNpm(file: string, contextDir: string): Promise<void> {
    const args = ['--index-dir', vscode.Uri.joinPath(this.context.globalStorageUri, 'packages').fsPath, '--context', contextDir, file];
    this.log.appendLine(`${stamp()} fetching npm registry sizes for ${file}`);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: '$(cloud-download) npm package sizes' }, async () => {
      const r = await runFetchIndex(this.context.asAbsolutePath('dist/cli.js'), args, 300_000, 'fetch-npm');
      for (const line of `${r.stderr}\n${r.stdout}`.split('\n')) if (line.trim()) this.log.appendLine(`${stamp()} ${line.trim()}`);
      if (r.error) this.log.appendLine(`${stamp()} dockerfile-slim: fetching npm sizes failed: ${r.error} (no npm estimates for some packages)`);
    });
    void this.client.sendNotification(INDEXES_CHANGED);
    this.changed.fire();
  }

  /** One release at a time, progress in the status bar (not a notification). */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const { image, scope } = next;
        this.tried.add(image);
        if (next.npm) {
          await this.runNpm(next.npm.file, next.npm.context);
          continue;
        }
        const mirrors = setting('packages.mirrors', scope);
        const args = ['--index-dir', vscode.Uri.joinPath(this.context.globalStorageUri, 'packages').fsPath];
        if (mirrors.debian) args.push('--mirror-debian', mirrors.debian);
        if (mirrors.ubuntu) args.push('--mirror-ubuntu', mirrors.ubuntu);
        args.push(image);
        this.log.appendLine(`${stamp()} downloading the package index for ${image} (${downloadSize(image)})`);
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `$(cloud-download) package index ${image}` }, async () => {
          const r = await runFetchIndex(this.context.asAbsolutePath('dist/cli.js'), args);
          for (const line of `${r.stderr}\n${r.stdout}`.split('\n')) if (line.trim()) this.log.appendLine(`${stamp()} ${line.trim()}`);
          if (r.error) this.log.appendLine(`${stamp()} dockerfile-slim: fetching the package index for ${image} failed: ${r.error} (no size estimates)`);
        });
        void this.client.sendNotification(INDEXES_CHANGED);
        this.changed.fire();
      }
    } finally {
      this.running = false;
    }
  }
}

async function showEstimate(r: WireEstimate): Promise<void> {
  const items: vscode.QuickPickItem[] = r.top.map((p) => ({ label: p.name, description: mb(p.bytes) }));
  // The server's sentence: the figure and kept packages of DS004's message, its title, `estimate` and the hover.
  const note = r.flagSaves ? ` · ${r.flagSaves.replace(/`/g, '')}` : '';
  await vscode.window.showQuickPick(items, {
    title: `≈ ${mb(r.bytes)} · ${r.packages} packages (${[r.release, ...(r.notes ?? [])].join('; ')})${note}`,
    placeHolder: 'Biggest packages this RUN adds',
  });
}

/** Returns the lens's change event (indexes fetched, settings changed): the whole-image total follows it. */
export function registerEstimateFeatures(context: vscode.ExtensionContext, client: LanguageClient, providersAfter?: Promise<unknown>): vscode.Event<void> {
  const log = vscode.window.createOutputChannel('Dockerfile Slim: packages');
  const provider = new EstimateLensProvider(context, client, log);
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand(SHOW_ESTIMATE_COMMAND, (r: WireEstimate) => showEstimate(r)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(fullName('packages')) && provider.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
  );
  registerWhenSettled(context, providersAfter, () => [vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, provider)]);
  return provider.onDidChangeCodeLenses;
}
