// Size history in the editor: the last 10 measurements per Dockerfile in workspace storage, the change since
// the previous build for the CodeLens, the total in the status bar, and "Dockerfile Slim: Show Size History".
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { finalStage, formatBytes } from '../../common/src/image-layers/index.js';
import { hashText } from './build-measure.js';
import { SHOW_SIZE_HISTORY_COMMAND } from '../../common/src/protocol.js';
import { lineDelta, previousOf, pushMeasurement, renderHistoryHtml, signedBytes, type SizeLine, type SizeMeasurement } from './size-chart.js';

export const historyKey = (fsPath: string): string => `dockerfileSlim.layers.sizes:${fsPath}`;

export class SizeHistory implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem('dockerfileSlim.imageSize', vscode.StatusBarAlignment.Right, 100);
  /** What the lens last showed per document: the image id and its total. */
  private readonly shown = new Map<string, { imageId: string; totalBytes: number }>();
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.status.name = 'Dockerfile Slim: image size';
    this.status.command = SHOW_SIZE_HISTORY_COMMAND;
    this.subscriptions.push(
      this.status,
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.commands.registerCommand(SHOW_SIZE_HISTORY_COMMAND, (uri?: vscode.Uri) => this.show(uri)),
    );
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.panels.forEach((p) => p.dispose());
  }

  history(uri: vscode.Uri): SizeMeasurement[] {
    const v = this.context.workspaceState.get<unknown>(historyKey(uri.fsPath));
    return Array.isArray(v) ? (v as SizeMeasurement[]).filter((m) => m && typeof m.imageId === 'string' && Array.isArray(m.lines)) : [];
  }

  /**
   * Called by the lens whenever it shows sizes of an image: records a new image once, updates the status bar,
   * and returns each line's change since the previous build (undefined on the first build or a new line).
   */
  observe(
    uri: vscode.Uri,
    imageId: string,
    /** The image's total (the sum of its history rows, from the layer worker). */
    totalBytes: number,
    text: string,
    byLine: ReadonlyMap<number, { bytes: number }>,
  ): (line: number) => number | undefined {
    const stage = finalStage(text);
    const byNumber = new Map(stage.instructions.map((i) => [i.line, i]));
    const textLines = text.split(/\r?\n/);
    const lines: SizeLine[] = [];
    for (const [line, { bytes }] of byLine) {
      const ins = byNumber.get(line);
      const full = ins ? ins.text : (textLines[line - 1] ?? '').trim();
      lines.push({ line, key: hashText(full), keyword: ins?.keyword ?? 'FROM', label: full.slice(0, 60), bytes });
    }
    const before = this.history(uri);
    const after = pushMeasurement(before, { imageId, at: Date.now(), totalBytes, lines });
    if (after.length !== before.length || after[after.length - 1]?.imageId !== before[before.length - 1]?.imageId) {
      void this.context.workspaceState.update(historyKey(uri.fsPath), after).then(() => this.panels.get(uri.toString()) && this.render(uri));
    }
    const prev = previousOf(after, imageId);
    const last = this.shown.get(uri.toString());
    if (last?.imageId !== imageId || last.totalBytes !== totalBytes) {
      this.shown.set(uri.toString(), { imageId, totalBytes });
      this.updateStatus();
    }
    const now = new Map(lines.map((l) => [l.line, l]));
    return (line) => {
      const l = now.get(line);
      return prev && l ? lineDelta(prev, l) : undefined;
    };
  }

  private updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return; // a webview or panel has focus: keep what the last editor showed
    const s = this.shown.get(doc.uri.toString());
    if (!s) {
      this.status.hide();
      return;
    }
    const prev = previousOf(this.history(doc.uri), s.imageId);
    const change = prev ? ` (${signedBytes(s.totalBytes - prev.totalBytes)})` : '';
    this.status.text = `$(package) ${formatBytes(s.totalBytes)}${change}`;
    this.status.tooltip = `Image size from the last build of ${basename(doc.uri.fsPath)}${prev ? `: ${signedBytes(s.totalBytes - prev.totalBytes)} since the build before` : ''}. Click for the size history.`;
    this.status.show();
  }

  private show(uri?: vscode.Uri): void {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) {
      void vscode.window.showInformationMessage('Dockerfile Slim: open a Dockerfile to see its size history.');
      return;
    }
    const key = target.toString();
    let panel = this.panels.get(key);
    if (panel) panel.reveal();
    else {
      panel = vscode.window.createWebviewPanel('dockerfileSlim.sizeHistory', `Size history: ${basename(target.fsPath)}`, vscode.ViewColumn.Beside, {
        enableScripts: false,
        localResourceRoots: [],
      });
      this.panels.set(key, panel);
      panel.onDidDispose(() => this.panels.delete(key));
    }
    this.render(target);
  }

  private render(uri: vscode.Uri): void {
    const panel = this.panels.get(uri.toString());
    if (panel) panel.webview.html = renderHistoryHtml(this.history(uri), basename(uri.fsPath), randomBytes(16).toString('base64'));
  }
}
