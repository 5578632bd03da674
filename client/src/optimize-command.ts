/**
 * "Dockerfile Slim: Optimize Dockerfile": asks the server for its fix-all code action and
 * applies it as one undoable edit, shown first in VS Code's refactor preview. The unsafe
 * variant also applies multi-stage conversions and base image swaps.
 */
import * as vscode from 'vscode';
import { mayCreateFile } from './build-guard.js';

export const FIX_ALL_KIND = 'source.fixAll.dockerfileSlim';
export const OPTIMIZE_UNSAFE_KIND = 'source.dockerfileSlim.optimizeUnsafe';

export interface OptimizeArgs {
  /** Show the refactor preview first (default true; tests pass false). */
  preview?: boolean;
  unsafe?: boolean;
  uri?: vscode.Uri;
}

/** Returns whether an edit was applied. */
export async function optimize(args: OptimizeArgs = {}): Promise<boolean> {
  const doc = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'dockerfile') {
    void vscode.window.showInformationMessage('Dockerfile Slim: open a Dockerfile to optimize it.');
    return false;
  }
  const kind = args.unsafe ? OPTIMIZE_UNSAFE_KIND : FIX_ALL_KIND;
  const full = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, full, kind)) ?? [];
  const action = actions.find((a) => a.kind?.value === kind && a.edit);
  if (!action?.edit) {
    void vscode.window.showInformationMessage('Dockerfile Slim: nothing to optimize — no fixable findings.');
    return false;
  }
  const edit = args.preview === false ? action.edit : await withConfirmation(action.edit, action.title, doc.uri);
  const ok = await vscode.workspace.applyEdit(edit, { isRefactoring: args.preview !== false });
  if (ok && args.preview !== false) void vscode.window.setStatusBarMessage(`Dockerfile Slim: ${action.title}`, 5000);
  return ok;
}

/**
 * Re-creates the edit with needsConfirmation, so VS Code shows its refactor preview first.
 * Files the edit creates (a new .dockerignore) become createFile entries with their content,
 * and never overwrite an existing file.
 */
async function withConfirmation(edit: vscode.WorkspaceEdit, title: string, doc: vscode.Uri): Promise<vscode.WorkspaceEdit> {
  const out = new vscode.WorkspaceEdit();
  const meta: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: true, label: title, description: 'Dockerfile Slim' };
  for (const [uri, edits] of edit.entries()) {
    // Only the document itself, or a new file inside the workspace: nothing outside is even looked at.
    if (uri.toString() !== doc.toString() && !mayCreateFile(uri, doc)) continue;
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()),
    );
    if (exists) {
      for (const e of edits) out.replace(uri, e.range, e.newText, meta);
    } else {
      const contents = new TextEncoder().encode(edits.map((e) => e.newText).join(''));
      out.createFile(uri, { ignoreIfExists: true, contents }, meta);
    }
  }
  return out;
}
