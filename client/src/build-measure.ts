// "Dockerfile Slim: Build and Measure": runs `docker build --iidfile` only when the user asks, shows the output,
// and remembers the image id (plus a hash of each final-stage instruction, for stale marking) per Dockerfile.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArgs, DockerError, removeReplacedImage, runBuild, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import { ANSI, looksLikeNetwork, summarizeBuildFailure } from '../../common/src/docker/build-failure.js';
import { oneLine } from '../../common/src/text/sanitize.js';
import { SOURCE_LABEL } from './image-source.js';
import { finalStage } from '../../common/src/image-layers/index.js';
import { planBuild, workspaceDirs } from './build-guard.js';
import { BUILDKIT_UNAVAILABLE, detectBuilder, elapsed, StepTracker } from './builder.js';
import { fullName, setting } from './settings.js';
import { BUILD_AND_MEASURE_COMMAND } from '../../common/src/protocol.js';

export interface BuildRecord {
  imageId: string;
  builtAt: number;
  /** sha1 of each final-stage instruction's text (FROM included) at build time. */
  instructionHashes: string[];
}

const BUILD_TIMEOUT_MS = 60 * 60 * 1000; // builds may legitimately take long; the user can cancel

export const recordKey = (fsPath: string): string => `dockerfileSlim.layers.build:${fsPath}`;

export const hashText = (text: string): string => createHash('sha1').update(text.replace(/\s+/g, ' ').trim()).digest('hex');

/** Hashes of the final stage's instructions (FROM line first) of a Dockerfile text. */
export function instructionHashes(text: string): Map<number, string> {
  const stage = finalStage(text);
  const out = new Map<number, string>();
  if (stage.fromLine > 0) out.set(stage.fromLine, hashText(text.split(/\r?\n/)[stage.fromLine - 1] ?? ''));
  for (const i of stage.instructions) out.set(i.line, hashText(i.text));
  return out;
}

export function dockerOptions(scope?: vscode.Uri): DockerOptions {
  // dockerPath picks an executable: never honour it from an untrusted workspace.
  const configured = setting('dockerPath', scope).trim();
  const dockerPath = vscode.workspace.isTrusted && configured !== '' ? configured : 'docker';
  const timeoutMs = Math.max(1000, setting('docker.timeoutMs', scope));
  return { dockerPath, timeoutMs, excludeDirs: workspaceDirs() };
}

let output: vscode.OutputChannel | undefined;
function channel(): vscode.OutputChannel {
  output ??= vscode.window.createOutputChannel('Dockerfile Slim: Build');
  return output;
}

/** `[12:34:56]` for the lines the extension writes into its output channels. */
export const stamp = (d = new Date()): string => `[${d.toTimeString().slice(0, 8)}]`;

const OUTPUT_TAIL = 64 * 1024; // enough for the failing step's output and docker's error

/** The notification for a failed build: docker's error or the failing command's, and the actions that fit. */
async function reportFailure(e: unknown, tail: string, out: vscode.OutputChannel, target: vscode.Uri): Promise<void> {
  const err = e instanceof DockerError ? e : undefined;
  const failure = summarizeBuildFailure(tail) ?? summarizeBuildFailure(err?.stderr ?? '');
  const why = err?.kind === 'not-installed' || err?.kind === 'timed-out' || !failure ? (err?.message ?? String(e)) : failure.summary;
  const actions: string[] = [];
  let setting: string | undefined;
  if (err?.kind === 'not-installed') setting = fullName('dockerPath');
  else if (failure && looksLikeNetwork(failure)) setting = fullName('build.network');
  if (setting) actions.push('Open Setting');
  actions.push('Retry', 'Show Output');
  const choice = await vscode.window.showErrorMessage(`Dockerfile Slim: build failed: ${oneLine(why).slice(0, 400)}`, ...actions);
  if (choice === 'Open Setting' && setting) await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  else if (choice === 'Retry') await vscode.commands.executeCommand(BUILD_AND_MEASURE_COMMAND, target);
  else if (choice === 'Show Output') out.show();
}

function targetDocument(uri?: vscode.Uri): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (doc.languageId === 'dockerfile' || /(^|[\\/.])(Dockerfile|Containerfile)[^\\/]*$/i.test(doc.fileName))) return doc.uri;
  return undefined;
}

export async function buildAndMeasure(context: vscode.ExtensionContext, onBuilt: (uri: vscode.Uri) => void, uri?: vscode.Uri): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    // Building runs the Dockerfile's commands: never from an untrusted workspace (a CodeLens click included).
    void vscode.window.showInformationMessage('Dockerfile Slim: Build and Measure is disabled in untrusted workspaces.');
    return undefined;
  }
  const target = targetDocument(uri);
  if (!target || target.scheme !== 'file') {
    void vscode.window.showInformationMessage('Dockerfile Slim: open a Dockerfile saved on disk to build and measure it.');
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.isDirty) await doc.save();
  const text = doc.getText();
  const out = channel(); // shown only when the build fails
  // Only this build in the channel, so when it opens it shows this build's end, not an older log.
  out.clear();
  out.appendLine(`${stamp()} Build and Measure: ${target.fsPath}`);
  // The docker calls before the build (image labels, version) get the usual docker time-out, the build an hour.
  const quick = dockerOptions(target);
  const base = { ...quick, timeoutMs: BUILD_TIMEOUT_MS };
  const dir = await mkdtemp(join(tmpdir(), 'dockerfile-slim-'));
  const iidfile = join(dir, 'iid');
  let tail = '';
  try {
    // The progress shows from the start: checking the tag and the builder asks docker too, and may wait for it.
    const plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Dockerfile Slim: Build and Measure', cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'checking Docker…' });
        const plan = await planBuild(target, quick); // context inside the workspace, and no silent retag of another image
        if (!plan.ok || token.isCancellationRequested) return undefined;
        const builder = await detectBuilder(quick);
        if (token.isCancellationRequested) return undefined;
        const { context: buildContext, tag, labels, options } = plan;
        const req = { dockerfile: target.fsPath, context: buildContext, iidfile, tag, labels, options };
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const started = Date.now();
        const steps = new StepTracker();
        const report = (): void => {
          const s = steps.last;
          progress.report({ message: `${s ? `step ${s.step}/${s.total}: ${s.what} · ` : 'starting · '}${elapsed(Date.now() - started)}` });
        };
        report();
        const timer = setInterval(report, 1000);
        const run = (env: NodeJS.ProcessEnv, label: string): Promise<void> => {
          out.appendLine(`$ ${base.dockerPath} ${buildArgs(req).join(' ')}   (${label})`);
          return runBuild(
            req,
            { ...base, env },
            (chunk) => {
              out.append(chunk.replace(ANSI, '')); // the legacy builder colours RUN output; the channel shows no colours
              tail = (tail + chunk).slice(-OUTPUT_TAIL);
              if (steps.feed(chunk)) report();
            },
            abort.signal,
          );
        };
        try {
          await run(builder.env, builder.label).catch((e: unknown) => {
            // BuildKit detected but refused (e.g. a daemon without it): once more with the legacy builder.
            if (builder.buildkit !== true || abort.signal.aborted || !(e instanceof DockerError) || !BUILDKIT_UNAVAILABLE.test(e.stderr)) throw e;
            return run({ ...builder.env, DOCKER_BUILDKIT: '0' }, 'legacy builder: BuildKit unavailable');
          });
        } finally {
          clearInterval(timer);
        }
        return plan;
      },
    );
    if (!plan) {
      out.appendLine(`${stamp()} Not built.`);
      return undefined;
    }
    const { tag, labels } = plan;
    const imageId = (await readFile(iidfile, 'utf8')).trim();
    const previous = context.workspaceState.get<BuildRecord>(recordKey(target.fsPath));
    const record: BuildRecord = { imageId, builtAt: Date.now(), instructionHashes: [...instructionHashes(text).values()] };
    await context.workspaceState.update(recordKey(target.fsPath), record);
    out.appendLine(`${stamp()} Built ${imageId}${tag ? ` as ${tag}` : ''}. Layer sizes are shown above each instruction.`);
    // The same tag moved to the new image: the last one is now untagged; remove it if it is this Dockerfile's.
    if (plan.defaultTag && previous && previous.imageId !== imageId) {
      void removeReplacedImage(previous.imageId, SOURCE_LABEL, labels[SOURCE_LABEL] ?? '', dockerOptions(target)).then(
        (removed) => removed && out.appendLine(`${stamp()} Removed the previous image ${previous.imageId}, replaced by this build.`),
      );
    }
    onBuilt(target);
    return imageId;
  } catch (e) {
    const msg = e instanceof DockerError ? e.message : String(e);
    out.appendLine(`${stamp()} Build failed: ${msg}`);
    const kind = e instanceof DockerError ? e.kind : 'failed';
    if (kind !== 'failed' || !/cancelled/.test(msg)) {
      out.show(true);
      void reportFailure(e, tail, out, target);
    }
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
