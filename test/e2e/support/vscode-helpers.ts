import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The extension id from package.json (`publisher.name`). */
export const EXTENSION_ID = 'dockerfile-slim.dockerfile-slim';
/** `Diagnostic.source` of everything our server publishes. */
export const SOURCE = 'dockerfile-slim';
/** Upper bound for anything the language server does after an edit. */
export const WAIT_MS = 20_000;

/** The URI of a file in the (copied) fixture workspace that the harness opened. */
export function fixtureUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the harness must open a workspace folder');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Opens a fixture file in an editor and checks VS Code sees it as a Dockerfile. */
export async function openFixture(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(relative));
  assert.equal(doc.languageId, 'dockerfile', `${relative} should open as a Dockerfile`);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Rule id of one of our diagnostics (`code` is `{ value, target }` by contract). */
export function ruleOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'object' && c !== null) {
    return String(c.value);
  }
  return c === undefined ? undefined : String(c);
}

/** Our diagnostics for `uri` right now (other extensions' diagnostics are ignored). */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Human-readable list for assertion messages. */
export function describeDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  return ds.length === 0 ? '(none)' : ds.map((d) => `${ruleOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('; ');
}

/**
 * Resolves with our diagnostics for `uri` once `accept` returns true for them. Event driven:
 * listens to `onDidChangeDiagnostics` (subscribed before the first check, so no change is missed)
 * and fails after `timeoutMs` with the last diagnostics seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (ds: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const ds = ours(uri);
      if (!accept(ds)) {
        return false;
      }
      sub.dispose();
      clearTimeout(timer);
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) {
        done();
      }
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last diagnostics: ${describeDiagnostics(ours(uri))}`));
    }, timeoutMs);
    done();
  });
}

/** Waits until a diagnostic with rule `rule` is present and returns it. */
export async function waitForRule(uri: vscode.Uri, rule: string): Promise<vscode.Diagnostic> {
  const ds = await waitForDiagnostics(uri, (all) => all.some((d) => ruleOf(d) === rule), `${rule} on ${uri.path}`);
  const d = ds.find((x) => ruleOf(x) === rule);
  assert.ok(d);
  return d;
}

/** Resolves once the document's text satisfies `accept` (event driven, bounded). */
export function waitForText(doc: vscode.TextDocument, accept: (text: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (!accept(doc.getText())) {
        return false;
      }
      sub.dispose();
      clearTimeout(timer);
      resolve(doc.getText());
      return true;
    };
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc) {
        check();
      }
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; text:\n${doc.getText()}`));
    }, WAIT_MS);
    check();
  });
}

/** Applies a code action the way the light bulb does: its edit first, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit ?? action.command, `code action "${action.title}" has neither edit nor command`);
  if (action.edit) {
    assert.ok(await vscode.workspace.applyEdit(action.edit), `applyEdit failed for "${action.title}"`);
  }
  if (action.command) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}

/** Reverts and closes every editor so each test starts from the fixture as it is on disk. */
export async function revertAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty && doc.uri.scheme === 'file') {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
