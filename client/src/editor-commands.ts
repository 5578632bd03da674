// Editor commands the language server's code actions call, and the builder capability the server needs:
// - dockerfileSlim.showRuleDocs: the rule's page (docs/rules/DSxxx.md, shipped in the VSIX) in the markdown preview;
// - dockerfileSlim.openCreatedFile: after a fix created a file (.dockerignore): save it, lint again at once, open it;
// - tells the server whether the configured builder has BuildKit, so BuildKit-only fixes are offered only then.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { dockerOptions } from './build-measure.js';
import { detectBuilder } from './builder.js';
import { fullName } from './settings.js';
import { BUILDER_NOTIFICATION, OPEN_CREATED_COMMAND, RELINT_NOTIFICATION, SHOW_DOCS_COMMAND, type BuilderParams } from '../../common/src/protocol.js';

export async function showRuleDocs(context: vscode.ExtensionContext, rule: unknown): Promise<void> {
  if (typeof rule !== 'string' || !/^DS\d{3}$/.test(rule)) return;
  const uri = vscode.Uri.file(context.asAbsolutePath(`docs/rules/${rule}.md`));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showWarningMessage(`Dockerfile Slim: no documentation found for ${rule}.`);
    return;
  }
  // The rendered page; the raw markdown only if the built-in markdown extension is disabled.
  await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, () => vscode.window.showTextDocument(uri, { preview: true }));
}

/** `probeAfter`: when to ask `docker version` the first time (after the first diagnostics; default at once). */
export function registerEditorCommands(context: vscode.ExtensionContext, client: LanguageClient, ready: Promise<void>, probeAfter?: Promise<unknown>): void {
  const tellBuilder = (): void => {
    void detectBuilder(dockerOptions())
      .then(async (b) => {
        await ready;
        await client.sendNotification(BUILDER_NOTIFICATION, { buildkit: b.buildkit } satisfies BuilderParams);
      })
      .catch(() => undefined);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_DOCS_COMMAND, (rule: unknown) => showRuleDocs(context, rule)),
    vscode.commands.registerCommand(OPEN_CREATED_COMMAND, async (uri: unknown) => {
      if (typeof uri !== 'string') return;
      await ready;
      await client.sendNotification(RELINT_NOTIFICATION);
      const target = vscode.Uri.parse(uri);
      // The fix created the file and filled its buffer: write it, so the build context really has it.
      const doc = await vscode.workspace.openTextDocument(target);
      if (doc.isDirty) await doc.save();
      await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(fullName('dockerPath'))) tellBuilder();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(tellBuilder),
  );
  // Only asks `docker version` (never builds); once per activation and when the docker path changes.
  if (probeAfter) void probeAfter.then(tellBuilder, tellBuilder);
  else tellBuilder();
}
