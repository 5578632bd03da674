/**
 * "Dockerfile Slim: Optimize Dockerfile": asks the server for its fix-all code action and
 * applies it as one undoable edit. The server annotates each fix separately, so VS Code's
 * refactor preview lists one entry per fix: safe fixes ticked, unsafe ones (Optimize including
 * unsafe fixes) unticked. Apply applies exactly the ticked entries, in one undo step.
 * The preview can be turned off (setting `dockerfileSlim.optimize.preview`, or "Don't Show
 * Preview Again", asked from the third use on); unsafe fixes are always shown in the preview first.
 */
import * as vscode from 'vscode';
import { CodeAction as LspCodeAction, CodeActionRequest, type LanguageClient } from 'vscode-languageclient/node';
import { mayCreateFile } from './build-guard.js';
import { setting, updateUserSetting } from './settings.js';
import { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND } from '../../common/src/protocol.js';
import { countPreviewUse, recordPreviewChoice } from './preview-offer.js';

export { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND };

/** The server's code actions of one kind for the whole document (null: no answer), cancellable. */
export type ActionSource = (doc: vscode.TextDocument, kind: string, token: vscode.CancellationToken) => Promise<vscode.CodeAction[] | undefined>;

/**
 * Asks the language server directly. Not `vscode.executeCodeActionProvider`: its round trip through the
 * extension host drops the edits' change annotations, so every preview row came back ticked and unlabelled.
 */
export function lspActions(client: LanguageClient, ready: Promise<void>): ActionSource {
  return async (doc, kind, token) => {
    await ready;
    const params = {
      textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri) },
      range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } },
      context: { diagnostics: [], only: [kind] },
    };
    const result = await client.sendRequest(CodeActionRequest.type, params, token);
    const out: vscode.CodeAction[] = [];
    for (const item of result ?? []) if (LspCodeAction.is(item)) out.push(await client.protocol2CodeConverter.asCodeAction(item, token));
    return out;
  };
}

const providerActions: ActionSource = async (doc, kind) =>
  vscode.commands.executeCommand<vscode.CodeAction[] | undefined>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), kind);

export interface OptimizeArgs {
  /** Show the refactor preview first (default: the setting dockerfileSlim.optimize.preview; tests pass false). */
  preview?: boolean;
  unsafe?: boolean;
  uri?: vscode.Uri;
}

/**
 * VS Code opens its refactor preview only when some entry needs confirmation, and such entries
 * start unticked. So the safe fixes need no confirmation (ticked), and one extra operation that
 * does asks for the preview: "create the Dockerfile itself if it does not exist". The preview
 * leaves out a create that `ignoreIfExists` makes a no-op (the Dockerfile exists), and it is
 * unticked, so it is invisible and never applied — and would change nothing if it were.
 */
function askForPreview(edit: vscode.WorkspaceEdit, doc: vscode.TextDocument): void {
  if (doc.uri.scheme !== 'file') return;
  edit.createFile(doc.uri, { ignoreIfExists: true }, { needsConfirmation: true, label: 'Dockerfile Slim', description: 'preview' });
}

/** Returns whether the text of the Dockerfile changed. */
export async function optimize(args: OptimizeArgs = {}, memento?: vscode.Memento, source: ActionSource = providerActions): Promise<boolean> {
  const doc = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'dockerfile') {
    void vscode.window.showInformationMessage('Dockerfile Slim: open a Dockerfile to optimize it.');
    return false;
  }
  const kind = args.unsafe ? OPTIMIZE_UNSAFE_KIND : FIX_ALL_KIND;
  const version = doc.version;
  // A big file's fixes take a while: say so, and let the user give up waiting (the request is cancelled, the answer dropped).
  const actions = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Dockerfile Slim: computing fixes…', cancellable: true },
    (_progress, token) =>
      Promise.race([
        source(doc, kind, token).catch(() => undefined),
        new Promise<'cancelled'>((resolve) => token.onCancellationRequested(() => resolve('cancelled'))),
      ]),
  );
  if (actions === 'cancelled') return false;
  if (doc.version !== version) {
    void vscode.window.showInformationMessage('Dockerfile Slim: the file changed while the fixes were computed — run Optimize again.');
    return false;
  }
  const action = (actions ?? []).find((a) => a.kind?.value === kind && a.edit);
  if (!action?.edit) {
    void vscode.window.showInformationMessage('Dockerfile Slim: nothing to optimize — no fixable findings.');
    return false;
  }
  // Only the document itself, or a new file inside the workspace: an edit reaching anywhere else is refused.
  const outside = action.edit.entries().find(([uri]) => uri.toString() !== doc.uri.toString() && !mayCreateFile(uri, doc.uri));
  if (outside) {
    void vscode.window.showWarningMessage(`Dockerfile Slim: not applied — the fix would write outside the workspace (${outside[0].fsPath}).`);
    return false;
  }
  const preview = args.preview ?? setting('optimize.preview', doc.uri);
  if (preview) askForPreview(action.edit, doc);
  const before = doc.getText();
  // Not `isRefactoring`: VS Code then saves every file of a multi-file edit (files.refactoring.autoSave), so an
  // Optimize that creates a .dockerignore would save the Dockerfile behind the user's back.
  const ok = await vscode.workspace.applyEdit(action.edit);
  const changed = doc.getText() !== before;
  if (ok) await saveCreatedFiles(action.edit, doc.uri);
  if (ok && !changed && preview) {
    void vscode.window.showInformationMessage('Dockerfile Slim: no fix was applied (every entry in the preview was unticked).');
  } else if (changed && args.preview !== false) {
    void vscode.window.setStatusBarMessage('$(check) Dockerfile Slim: fixes applied — one undo (Ctrl+Z) restores the file', 8000);
    if (preview && memento && (await countPreviewUse(memento))) void offerNoPreview(memento);
  }
  return changed;
}

/** After a few uses of Optimize through the preview (preview-offer.ts): offer to skip it next time. */
async function offerNoPreview(memento: vscode.Memento): Promise<void> {
  const skip = "Don't Show Preview Again";
  const keep = 'Keep Preview';
  const pick = await vscode.window.showInformationMessage('Dockerfile Slim: fixes applied. Apply safe fixes without the preview next time?', skip, keep);
  if (!pick) return;
  await recordPreviewChoice(memento);
  if (pick === skip) await updateUserSetting('optimize.preview', false);
}

/** A file the edit created (a .dockerignore) is written, so the build context has it; the Dockerfile stays as the user left it. */
async function saveCreatedFiles(edit: vscode.WorkspaceEdit, dockerfile: vscode.Uri): Promise<void> {
  for (const [uri] of edit.entries()) {
    if (uri.toString() === dockerfile.toString()) continue;
    // Unticked in the preview: the file does not exist, and there is nothing to save.
    const created = await Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined);
    if (created?.isDirty) await created.save();
  }
}
