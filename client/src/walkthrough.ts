// The walkthrough's steps tick on the events they describe. "See a finding" ticks when the first of this
// extension's findings is shown (context key dockerfileSlim.findingShown, its completionEvents' onContext), or
// when the Problems panel is opened from the step; the other steps tick on their own command or language.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../common/src/protocol.js';

export const FINDING_SHOWN_CONTEXT = 'dockerfileSlim.findingShown';

export function tickStepsOnEvents(context: vscode.ExtensionContext): void {
  const ours = (uri: vscode.Uri): boolean => vscode.languages.getDiagnostics(uri).some((d) => d.source === DIAGNOSTIC_SOURCE);
  const listener = vscode.languages.onDidChangeDiagnostics((e) => {
    if (!e.uris.some(ours)) return;
    listener.dispose();
    void vscode.commands.executeCommand('setContext', FINDING_SHOWN_CONTEXT, true);
  });
  context.subscriptions.push(listener);
}
