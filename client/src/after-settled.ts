import type * as vscode from 'vscode';

/**
 * Registers what `register` returns once `when` settles (the first diagnostics are out), unless the extension
 * was deactivated first; the registrations are disposed with the context. Without `when`: at once.
 */
export function registerWhenSettled(context: vscode.ExtensionContext, when: Promise<unknown> | undefined, register: () => vscode.Disposable[]): void {
  if (!when) {
    context.subscriptions.push(...register());
    return;
  }
  let live = true;
  context.subscriptions.push({ dispose: () => (live = false) });
  const run = (): void => {
    if (live) context.subscriptions.push(...register());
  };
  void when.then(run, run);
}
