// What Build and Measure may touch, decided before anything runs: the build context must resolve inside the
// workspace, the tag must be a plain tag, a tag held by an image this Dockerfile did not build is only moved
// after the user confirms, and in an untrusted workspace the workspace's own values of restricted settings
// (build.*, layers.image) are ignored, whatever VS Code version enforces it.
import * as vscode from 'vscode';
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { confineToRoot, resolveBuildContext, type Confined } from '../../common/src/workspace/confine.js';
import { oneLine } from '../../common/src/text/sanitize.js';
import { DockerError, imageLabels, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import { buildOptions, defaultTag } from '../../common/src/docker/build-options.js';
import { isValidTag, retagVerdict, SOURCE_LABEL, sourceHash } from './image-source.js';
import { fullName, trustedSetting } from './settings.js';

/** The folders whose executables never run (see docker-path.ts). */
export function workspaceDirs(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

export function buildContextFor(target: vscode.Uri): Confined {
  const setting = trustedSetting('build.context', target).trim();
  return resolveBuildContext(setting, target.fsPath, vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath);
}

export type BuildPlan =
  | { ok: true; context: string; tag: string | undefined; labels: Record<string, string>; options: string[]; defaultTag: boolean }
  | { ok: false; reason?: string; setting?: string };

/**
 * Checks settings and asks about retagging; shows a message (not waiting for it to be closed) and returns ok: false
 * when the build must not run.
 */
export async function planBuild(target: vscode.Uri, opts: DockerOptions): Promise<BuildPlan> {
  const context = buildContextFor(target);
  if (!context.ok) {
    void vscode.window.showErrorMessage(
      `Dockerfile Slim: the build.context setting is not used: ${context.reason}. Build and Measure only builds inside the workspace.`,
    );
    return { ok: false };
  }
  const options = buildOptions({
    args: trustedSetting('build.args', target),
    target: trustedSetting('build.target', target),
    network: trustedSetting('build.network', target),
    extraArgs: trustedSetting('build.extraArgs', target),
  });
  if (!options.ok) {
    const setting = /^build\.(\w+)/.exec(options.reason)?.[1];
    void settingError(`Dockerfile Slim: ${oneLine(options.reason).slice(0, 200)}.`, setting ? `${fullName('build')}.${setting}` : fullName('build'));
    return { ok: false };
  }
  const configured = trustedSetting('build.tag', target).trim() || undefined;
  if (configured !== undefined && !isValidTag(configured)) {
    void settingError(`Dockerfile Slim: the build.tag setting "${oneLine(configured).slice(0, 100)}" is not a valid image tag.`, fullName('build.tag'));
    return { ok: false };
  }
  const labels = { [SOURCE_LABEL]: sourceHash(target.fsPath) };
  if (configured !== undefined && !(await mayRetag(configured, labels[SOURCE_LABEL], opts))) return { ok: false };
  const tag = configured ?? (await ownDefaultTag(target.fsPath, labels[SOURCE_LABEL], opts));
  return { ok: true, context: context.dir, tag, labels, options: options.args, defaultTag: configured === undefined };
}

async function settingError(message: string, setting: string): Promise<void> {
  const open = 'Open Setting';
  if ((await vscode.window.showErrorMessage(message, open)) === open) await vscode.commands.executeCommand('workbench.action.openSettings', setting);
}

/**
 * Without build.tag: `dockerfile-slim/<folder>:latest`, so a rebuild replaces the last image. Our own namespace, so
 * no question is asked; when another Dockerfile's image holds the plain name, a name with a hash of the path.
 */
async function ownDefaultTag(dockerfile: string, hash: string, opts: DockerOptions): Promise<string> {
  const plain = defaultTag(dockerfile);
  try {
    return retagVerdict(await imageLabels(plain, opts), hash) === 'foreign' ? defaultTag(dockerfile, true) : plain;
  } catch {
    return plain; // no docker: the build fails with its own message
  }
}

async function mayRetag(tag: string, hash: string, opts: DockerOptions): Promise<boolean> {
  let verdict: string;
  try {
    verdict = retagVerdict(await imageLabels(tag, opts), hash);
  } catch (e) {
    // No docker or no daemon: the build itself fails with the clear message. Anything else: ask.
    if (e instanceof DockerError && (e.kind === 'not-installed' || e.kind === 'daemon-down')) return true;
    verdict = 'unknown';
  }
  if (verdict === 'new' || verdict === 'ours') return true;
  const detail =
    verdict === 'foreign'
      ? `An image tagged "${tag}" already exists and was not built from this Dockerfile. Building would move the tag to the new image; images built on "${tag}" would then use it.`
      : `Dockerfile Slim could not check whether an image tagged "${tag}" already exists.`;
  const choice = await vscode.window.showWarningMessage(`Dockerfile Slim: retag "${tag}"?`, { modal: true, detail }, 'Build and Retag');
  return choice === 'Build and Retag';
}

/**
 * May an edit create `uri` (a new .dockerignore)? Only a file inside the document's workspace folder (or,
 * with none, the document's own folder), after following links.
 */
export function mayCreateFile(uri: vscode.Uri, doc: vscode.Uri): boolean {
  if (uri.scheme !== 'file' || doc.scheme !== 'file') return false;
  const root = vscode.workspace.getWorkspaceFolder(doc)?.uri.fsPath ?? dirname(doc.fsPath);
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    return false;
  }
  const parent = dirname(uri.fsPath);
  const rel = relative(root, parent);
  if (rel.startsWith('..') || isAbsolute(rel)) return false;
  return confineToRoot(real, rel === '' ? '.' : rel).ok;
}
