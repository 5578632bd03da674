// What the layer lens says beyond the size, and what it leads to (layer-lens.ts computes, this words and shows):
// - which instructions get no lens (they make no layer: ENV, EXPOSE, USER, CMD, … at 0 B);
// - "removed later" (files deleted) vs "replaced later" (files overwritten), never pointing at its own line;
// - a markdown hover on the instruction keyword: size, top files, what removed them, a link to Show Layer Files;
// - Show Layer Files: a list whose items do something (go to the line that removed a file, or copy its path).
import * as vscode from 'vscode';
import { formatBytes, type LineWaste } from '../../common/src/image-layers/index.js';
import { makesNoLayer } from './lens-words.js';
import { hoverCode, hoverCodeBlock, hoverText } from '../../common/src/text/markdown.js';
import { setting } from './settings.js';
import { SHOW_LAYER_FILES_COMMAND } from '../../common/src/protocol.js';

export { wasteSuffix } from './lens-words.js';

/** No lens for a metadata instruction whose layer is empty, unless `dockerfileSlim.layers.showEmptyLayers`. */
export function hideLens(keyword: string, bytes: number, scope: vscode.Uri): boolean {
  return makesNoLayer(keyword, bytes) && !setting('layers.showEmptyLayers', scope);
}

export interface LayerDetail {
  line: number;
  title: string;
  bytes: number;
  createdBy: string[];
  waste: LineWaste | undefined;
}

/** The lens details per document (the latest provideCodeLenses), read by the hover. */
export const details = new Map<string, Map<number, LayerDetail>>();

export function layerHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
  const d = details.get(doc.uri.toString())?.get(pos.line + 1);
  if (!d) return undefined;
  const word = doc.getWordRangeAtPosition(pos, /[A-Za-z]+/);
  const keyword = /^\s*([A-Za-z]+)/.exec(doc.lineAt(pos.line).text);
  if (!word || !keyword || word.start.character !== doc.lineAt(pos.line).firstNonWhitespaceCharacterIndex) return undefined;
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_LAYER_FILES_COMMAND] };
  // Everything here comes from the image or the Dockerfile: escaped (no image, link or HTML renders from it).
  md.appendMarkdown(`**Layer: ${hoverText(d.title)}**\n\n`);
  md.appendMarkdown(hoverCodeBlock(d.createdBy.join('\n').slice(0, 400), 'shell'));
  const w = d.waste;
  if (w && w.topFiles.length > 0) {
    md.appendMarkdown('\n| size | file | later |\n|---:|---|---|\n');
    for (const f of w.topFiles.slice(0, 6)) {
      const gone = w.topWasted.find((x) => x.path === f.path);
      const later = gone ? `${gone.how === 'overwritten' ? 'replaced' : 'removed'} at line ${gone.removedAtLine ?? '?'}` : '';
      md.appendMarkdown(`| ${formatBytes(f.bytes)} | ${hoverCode(`/${f.path}`)} | ${hoverText(later)} |\n`);
    }
  }
  const args = encodeURIComponent(JSON.stringify([d.line, d.createdBy, w, doc.uri.toString()]));
  md.appendMarkdown(`\n[$(list-flat) Show Layer Files](command:dockerfileSlim.showLayerFiles?${args})`);
  return new vscode.Hover(md, word);
}

interface FileItem extends vscode.QuickPickItem {
  path?: string;
  goto?: number;
}

/** Show Layer Files: the layer's biggest files; picking the first row goes to the instruction, a file copies its path (and goes to the line that removed it). */
export async function showLayerFiles(line: number, createdBy: string[], waste: LineWaste | undefined, uri?: unknown): Promise<void> {
  const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  const items: FileItem[] = [{ label: `$(go-to-file) Line ${line}`, description: createdBy.join(' | ').slice(0, 200), goto: line }];
  for (const f of waste?.topFiles ?? []) {
    const gone = waste?.topWasted.find((x) => x.path === f.path);
    const item: FileItem = { label: `/${f.path}`, description: formatBytes(f.bytes), path: `/${f.path}` };
    if (gone) {
      item.detail = `${gone.how === 'overwritten' ? 'replaced' : 'removed'} later at line ${gone.removedAtLine ?? '?'} — the bytes still ship in this layer`;
      if (gone.removedAtLine) item.goto = gone.removedAtLine;
    }
    items.push(item);
  }
  if (items.length === 1) items.push({ label: 'File list not available yet (the image is still being read, or docker save failed).' });
  const pick = await vscode.window.showQuickPick(items, {
    title: `Biggest files of the layer made at line ${line}`,
    placeHolder: 'Pick a file to copy its path (and go to the line that removed it)',
  });
  if (!pick) return;
  if (pick.path) {
    await vscode.env.clipboard.writeText(pick.path);
    void vscode.window.setStatusBarMessage(`Dockerfile Slim: copied ${pick.path}`, 4000);
  }
  if (pick.goto && target) {
    const editor = await vscode.window.showTextDocument(target, { preserveFocus: false });
    const pos = new vscode.Position(pick.goto - 1, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
