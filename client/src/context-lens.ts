// Build-context sizes on COPY/ADD lines (vscode glue only; the walk runs in the server's context worker). A CodeLens
// "≈ 312 MB from the context · .git 180 MB" on each COPY/ADD that reads the context; clicking it lists the biggest
// paths (the server's hover shows them too). File-system changes are forwarded to the server, which lists the
// changed folders again; lenses refresh once a burst of changes settles.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CONTEXT_CHANGED_NOTIFICATION, CONTEXT_SIZES_REQUEST, SHOW_CONTEXT_SIZES_COMMAND, type ContextSizesResult } from '../../common/src/protocol.js';
import { registerWhenSettled } from './after-settled.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { instructionHashes, recordKey, type BuildRecord } from './build-measure.js';
import { mappedImage } from './layer-lens.js';
import { fullName, setting } from './settings.js';

export function mb(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 100e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

type Copy = ContextSizesResult['copies'][number];

/** The lens title: the size, and the biggest rarely-needed path (else the biggest path when it is most of it). */
export function lensTitle(c: Copy, complete: boolean): string {
  const size = `≈ ${mb(c.bytes)}${complete ? '' : '+'} from the context`;
  const leak = [...c.leaks].sort((a, b) => b.bytes - a.bytes)[0];
  if (leak && leak.bytes >= 1e6) return `${size} · ${oneLine(leak.path)} ${mb(leak.bytes)}`;
  const top = c.top[0];
  if (top && c.top.length > 1 && top.bytes >= 0.5 * c.bytes && top.bytes >= 1e6) return `${size} · ${oneLine(top.path)} ${mb(top.bytes)}`;
  return size;
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- a file name may hold any character
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

class ContextLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly context: vscode.ExtensionContext,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (doc.uri.scheme !== 'file') return [];
    if (!setting('build.contextSizes', doc.uri)) return [];
    let res: ContextSizesResult | null;
    try {
      res = await this.client.sendRequest<ContextSizesResult | null>(CONTEXT_SIZES_REQUEST, { uri: doc.uri.toString() }, token);
    } catch {
      return [];
    }
    if (!res) return [];
    const r = res;
    // Measured by the last build: the layer lens shows the real size; the context figure stays in the hover and command.
    // An image mapped in dockerfileSlim.layers.image: every line has its measured layer lens.
    if (mappedImage(doc)) return [];
    const record = this.context.workspaceState.get<BuildRecord>(recordKey(doc.uri.fsPath));
    const built = new Set(record?.instructionHashes ?? []);
    const hashes = record ? instructionHashes(doc.getText()) : new Map<number, string>();
    return r.copies
      .filter((c) => c.files > 0 && c.line >= 1 && c.line <= doc.lineCount && !built.has(hashes.get(c.line) ?? ''))
      .map(
        (c) =>
          new vscode.CodeLens(new vscode.Range(c.line - 1, 0, c.line - 1, 0), {
            title: lensTitle(c, r.complete),
            command: SHOW_CONTEXT_SIZES_COMMAND,
            arguments: [c, r.complete, r.ignoreFile],
            tooltip: `${c.files.toLocaleString('en-US')} files from the build context${r.ignoreFile ? ` after ${r.ignoreFile}` : ' (no .dockerignore)'}${r.complete ? '' : ` — the walk stopped early: ${r.reason ?? 'budget'}`}`,
          }),
      );
  }
}

async function showSizes(c: Copy, complete: boolean, ignoreFile: string): Promise<void> {
  const items: vscode.QuickPickItem[] = c.top.map((t) => ({ label: oneLine(t.path), description: mb(t.bytes) }));
  await vscode.window.showQuickPick(items, {
    title: `≈ ${mb(c.bytes)}${complete ? '' : '+'} · ${c.files.toLocaleString('en-US')} files${ignoreFile ? ` (after ${oneLine(ignoreFile)})` : ' (no .dockerignore)'}`,
    placeHolder: 'Biggest paths this line sends from the build context',
  });
}

/** Returns the lens's change event (the context changed on disk): the whole-image total follows it. */
export function registerContextLens(context: vscode.ExtensionContext, client: LanguageClient, providersAfter?: Promise<unknown>): vscode.Event<void> {
  const provider = new ContextLensProvider(client, context);
  let paths = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const changed = (uri: vscode.Uri): void => {
    if (uri.scheme !== 'file' || paths.size > 5000) return;
    paths.add(uri.fsPath);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = [...paths];
      paths = new Set();
      void client.sendNotification(CONTEXT_CHANGED_NOTIFICATION, { paths: batch });
      setTimeout(() => provider.refresh(), 800); // after the server's own settle time and a walk of changed folders
    }, 500);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_CONTEXT_SIZES_COMMAND, (c: Copy, complete: boolean, ignoreFile: string) => showSizes(c, complete, ignoreFile)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(fullName('build')) && provider.refresh()),
    { dispose: () => timer && clearTimeout(timer) },
  );
  registerWhenSettled(context, providersAfter, () => {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    return [
      watcher,
      watcher.onDidCreate(changed),
      watcher.onDidChange(changed),
      watcher.onDidDelete(changed),
      vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, provider),
    ];
  });
  return provider.onDidChangeCodeLenses;
}
