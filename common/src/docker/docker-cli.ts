// The only module that runs docker/podman. Argument arrays only (never a shell string), a time-out on every
// call with the child's whole process group killed when it fires, and errors typed so the UI can show a quiet lens instead of a popup.
import { summarizeBuildFailure } from './build-failure.js';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolveExecutable } from './docker-path.js';
import { ImageArchiveReader, normaliseRow, parseHistoryOutput, type RawHistoryRow, type SavedImage } from '../image-layers/index.js';

export type DockerErrorKind = 'not-installed' | 'daemon-down' | 'image-not-found' | 'timed-out' | 'malformed-output' | 'failed';

export class DockerError extends Error {
  constructor(
    readonly kind: DockerErrorKind,
    message: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'DockerError';
  }
}

export interface DockerOptions {
  /** Executable: "docker", "/usr/bin/docker", "podman", … */
  dockerPath: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Folders whose executables never run (the workspace folders): see docker-path.ts. */
  excludeDirs?: readonly string[];
}

/** The absolute path of the docker executable (never looked up in the working directory or the workspace). */
export function dockerExecutable(opts: DockerOptions): string {
  const exe = resolveExecutable(opts.dockerPath, { env: opts.env ?? process.env, exclude: opts.excludeDirs ?? [] });
  if (!exe) throw new DockerError('not-installed', `${opts.dockerPath} is not installed or not on PATH`);
  return exe;
}

function classify(stderr: string, code: number | string | null | undefined, opts: DockerOptions): DockerError {
  const s = stderr.trim();
  if (code === 'ENOENT') return new DockerError('not-installed', `${opts.dockerPath} is not installed or not on PATH`);
  if (
    /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|unable to connect to Podman|connect: (no such file|connection refused|permission denied)/i.test(
      s,
    )
  ) {
    return new DockerError('daemon-down', 'the Docker daemon is not reachable', s);
  }
  if (/No such image|No such object|image not known|failed to find image|reference does not exist/i.test(s)) {
    return new DockerError('image-not-found', 'the image is gone (removed or pruned)', s);
  }
  // The error, not the first line of output ("DEPRECATED: The legacy builder…", "#1 [internal] load…").
  const why = summarizeBuildFailure(s)?.summary ?? '';
  return new DockerError('failed', `${opts.dockerPath} failed${code !== null && code !== undefined ? ` (exit ${code})` : ''}: ${why}`, s);
}

/** POSIX: each docker call leads its own process group, so a time-out can kill what it started too. */
const GROUPS = process.platform !== 'win32';

/**
 * Kills the child and (on POSIX) its whole process group: a CLI that started helpers (credential
 * helpers, a shell script's `sleep &`) must not leave them running or holding our pipes open.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (GROUPS && child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      /* the group is gone already: fall through to the child */
    }
  }
  try {
    child.kill(signal);
  } catch {
    /* already exited */
  }
}

/**
 * Starts docker, resolved to an absolute path, in its own process group (so a time-out kills everything it
 * started). Throws DockerError('not-installed') when it cannot be found.
 */
function startDocker(args: readonly string[], opts: DockerOptions, cwd?: string): ChildProcessWithoutNullStreams {
  return spawn(dockerExecutable(opts), [...args], { cwd, env: opts.env ?? process.env, windowsHide: true, detached: GROUPS });
}

/** Runs the CLI and returns stdout. Rejects with DockerError. */
export function runDocker(args: readonly string[], opts: DockerOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = startDocker(args, opts);
    } catch (e) {
      return reject(e as DockerError);
    }
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failed: DockerError | undefined;
    const timer = setTimeout(() => {
      failed = new DockerError('timed-out', `${opts.dockerPath} ${args[0] ?? ''} timed out after ${opts.timeoutMs} ms`);
      killGroup(child);
      finish();
    }, opts.timeoutMs);
    let done = false;
    const finish = (code?: number | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (failed) return reject(failed);
      if (code !== 0) return reject(classify(stderr, code, opts));
      resolve(Buffer.concat(out).toString('utf8'));
    };
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024 * 1024) {
        failed ??= new DockerError('malformed-output', `${opts.dockerPath} ${args[0] ?? ''} printed more than 64 MB`);
        killGroup(child);
        return finish();
      }
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-65536)));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(classify(stderr, e.code, opts));
    });
    child.on('close', (code) => finish(code));
  });
}

/** `docker history --no-trunc --human=false --format '{{json .}}'` (podman: the same flags work). */
export async function imageHistory(image: string, opts: DockerOptions): Promise<RawHistoryRow[]> {
  const out = await runDocker(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', '--', image], opts);
  try {
    const rows = parseHistoryOutput(out);
    rows.forEach(normaliseRow); // a row the lens could not read fails here, typed, not later inside provideCodeLenses
    return rows;
  } catch (e) {
    throw new DockerError('malformed-output', `unexpected docker history output: ${(e as Error).message}`);
  }
}

/** The image id (sha256:…) for a tag or id; the cache key for everything else. */
export async function imageId(image: string, opts: DockerOptions): Promise<string> {
  const out = (await runDocker(['image', 'inspect', '--format', '{{.Id}}', '--', image], opts)).trim();
  if (!/^(sha256:)?[0-9a-f]{12,}$/.test(out)) throw new DockerError('malformed-output', `unexpected image id ${JSON.stringify(out.slice(0, 80))}`);
  return out;
}

/** Labels of a local image, or undefined when no image has that reference. */
export async function imageLabels(ref: string, opts: DockerOptions): Promise<Record<string, string> | undefined> {
  let out: string;
  try {
    out = await runDocker(['image', 'inspect', '--format', '{{json .Config.Labels}}', '--', ref], opts);
  } catch (e) {
    if (e instanceof DockerError && e.kind === 'image-not-found') return undefined;
    throw e;
  }
  try {
    const v: unknown = JSON.parse(out.trim() || 'null');
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    throw new DockerError('malformed-output', `unexpected image labels ${JSON.stringify(out.slice(0, 80))}`);
  }
}

/** Streams `docker save IMAGE` through the archive reader without writing it to disk. */
/**
 * After a rebuild under the same tag, the previous image of that Dockerfile is left untagged: remove it when it is
 * untagged and carries this Dockerfile's source label (never anyone else's image; an image in use stays, quietly).
 */
export async function removeReplacedImage(id: string, label: string, value: string, opts: DockerOptions): Promise<boolean> {
  try {
    const out = await runDocker(['image', 'inspect', '--format', '{{json .RepoTags}}|{{json .Config.Labels}}', '--', id], opts);
    const [tags, labels] = out
      .trim()
      .split('|')
      .map((j) => JSON.parse(j || 'null') as unknown);
    if ((Array.isArray(tags) && tags.length > 0) || (labels as Record<string, string> | null)?.[label] !== value) return false;
    await runDocker(['image', 'rm', '--', id], opts);
    return true;
  } catch {
    return false;
  }
}

export function saveImage(image: string, opts: DockerOptions): Promise<SavedImage> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = startDocker(['save', '--', image], opts);
    } catch (e) {
      return reject(e as DockerError);
    }
    const reader = new ImageArchiveReader();
    let stderr = '';
    let failed: Error | undefined;
    const timer = setTimeout(() => {
      failed = new DockerError('timed-out', `${opts.dockerPath} save timed out after ${opts.timeoutMs} ms`);
      killGroup(child);
    }, opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      if (failed) return;
      try {
        reader.write(c);
      } catch (e) {
        failed = new DockerError('malformed-output', `docker save output is not a readable archive: ${(e as Error).message}`);
        killGroup(child);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(classify(stderr, e.code, opts));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failed) return reject(failed);
      if (code !== 0) return reject(classify(stderr, code, opts));
      reader.end().then(resolve, (e: Error) => reject(new DockerError('malformed-output', e.message)));
    });
  });
}

export interface BuildRequest {
  dockerfile: string;
  context: string;
  iidfile: string;
  tag?: string | undefined;
  /** `--label k=v` for the built image (Build and Measure marks the images it builds). */
  labels?: Record<string, string>;
  /** The user's checked options (build-options.ts): `--build-arg`, `--target`, `--network`, extra flags. */
  options?: readonly string[];
}

export function buildArgs(req: BuildRequest): string[] {
  const args = ['build', '--iidfile', req.iidfile, '-f', req.dockerfile];
  if (req.tag) args.push('-t', req.tag);
  for (const [k, v] of Object.entries(req.labels ?? {})) args.push('--label', `${k}=${v}`);
  args.push(...(req.options ?? []));
  args.push('--', req.context);
  return args;
}

/** Runs `docker build --iidfile …`, streaming output lines to `onOutput`. Resolves when the build exits 0. */
export function runBuild(req: BuildRequest, opts: DockerOptions, onOutput: (text: string) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = startDocker(buildArgs(req), opts, req.context);
    } catch (e) {
      return reject(e as DockerError);
    }
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, opts.timeoutMs);
    signal?.addEventListener('abort', () => killGroup(child, 'SIGTERM'), { once: true });
    child.stdout.on('data', (c: Buffer) => onOutput(c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      const s = c.toString();
      stderr = (stderr + s).slice(-8192);
      onOutput(s);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(classify(stderr, e.code, opts));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new DockerError('timed-out', `build timed out after ${opts.timeoutMs} ms`));
      if (signal?.aborted) return reject(new DockerError('failed', 'build cancelled'));
      if (code !== 0) return reject(classify(stderr, code, opts));
      resolve();
    });
  });
}
