/**
 * "Dockerfile Slim: Optimize Dockerfile": asks the server for its fix-all code action and
 * applies it as one undoable edit. The server annotates each fix separately, so VS Code's
 * refactor preview lists one entry per fix: safe fixes ticked, unsafe ones (Optimize including
 * unsafe fixes) unticked. Apply applies exactly the ticked entries, in one undo step.
 * The preview can be turned off (setting `dockerfileSlim.optimize.preview`, or "Don't Show
 * Preview Again"); unsafe fixes are always shown in the preview first.
 */
import * as vscode from 'vscode';
import { mayCreateFile } from './build-guard.js';
import { setting, updateUserSetting } from './settings.js';
import { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND } from '../../common/src/protocol.js';

export { FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND };
const CHOICE_KEY = 'dockerfileSlim.optimize.previewChoiceMade';

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
export async function optimize(args: OptimizeArgs = {}, memento?: vscode.Memento): Promise<boolean> {
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
  // Only the document itself, or a new file inside the workspace: an edit reaching anywhere else is refused.
  const outside = action.edit.entries().find(([uri]) => uri.toString() !== doc.uri.toString() && !mayCreateFile(uri, doc.uri));
  if (outside) {
    void vscode.window.showWarningMessage(`Dockerfile Slim: not applied — the fix would write outside the workspace (${outside[0].fsPath}).`);
    return false;
  }
  const preview = args.preview ?? setting('optimize.preview', doc.uri);
  if (preview) askForPreview(action.edit, doc);
  const before = doc.getText();
  const ok = await vscode.workspace.applyEdit(action.edit, { isRefactoring: true });
  const changed = doc.getText() !== before;
  if (ok && !changed && preview) {
    void vscode.window.showInformationMessage('Dockerfile Slim: no fix was applied (every entry in the preview was unticked).');
  } else if (changed && args.preview !== false) {
    void vscode.window.setStatusBarMessage('$(check) Dockerfile Slim: fixes applied — one undo (Ctrl+Z) restores the file', 8000);
    if (preview && memento && !memento.get<boolean>(CHOICE_KEY)) void offerNoPreview(memento);
  }
  return changed;
}

/** After the first Optimize through the preview: offer to skip it next time (asked until answered). */
async function offerNoPreview(memento: vscode.Memento): Promise<void> {
  const skip = "Don't Show Preview Again";
  const keep = 'Keep Preview';
  const pick = await vscode.window.showInformationMessage('Dockerfile Slim: fixes applied. Apply safe fixes without the preview next time?', skip, keep);
  if (!pick) return;
  await memento.update(CHOICE_KEY, true);
  if (pick === skip) await updateUserSetting('optimize.preview', false);
}
