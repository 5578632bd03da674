// Which builder Build and Measure uses, and what it can build. BuildKit when the daemon and the CLI have it
// (DOCKER_BUILDKIT=1: built into the docker 18.09–22 CLI; from 23 on only through the buildx plugin), otherwise
// the legacy builder. Podman builds with buildah, which understands `COPY --chmod` and `RUN --mount` too.
// Also the build progress: "step N/M" from either builder's output (BuildKit with BUILDKIT_PROGRESS=plain).
import { basename } from 'node:path';
import { runDocker, type DockerOptions } from '../../common/src/docker/docker-cli.js';

export interface Builder {
  /** True: BuildKit-only syntax builds. Undefined: could not ask docker (not installed, daemon down). */
  buildkit: boolean | undefined;
  /** Environment for `docker build`. */
  env: NodeJS.ProcessEnv;
  /** For the Output panel: "BuildKit" / "legacy builder" / "podman (buildah)". */
  label: string;
}

const major = (v: string): number => Number(/^(\d+)/.exec(v.trim())?.[1] ?? NaN);
const minor = (v: string): number => Number(/^\d+\.(\d+)/.exec(v.trim())?.[1] ?? 0);

export async function detectBuilder(opts: DockerOptions, env: NodeJS.ProcessEnv = process.env): Promise<Builder> {
  const legacy = (buildkit: boolean | undefined): Builder => ({ buildkit, env: { ...env, DOCKER_BUILDKIT: '0' }, label: 'legacy builder' });
  if (/podman/i.test(basename(opts.dockerPath))) return { buildkit: true, env, label: 'podman (buildah)' };
  if (env.DOCKER_BUILDKIT === '0') return { buildkit: false, env, label: 'legacy builder (DOCKER_BUILDKIT=0)' };
  let client = '';
  let server = '';
  let os = '';
  try {
    [client = '', server = '', os = ''] = (await runDocker(['version', '--format', '{{.Client.Version}}|{{.Server.Version}}|{{.Server.Os}}'], opts))
      .trim()
      .split('|');
  } catch {
    return { buildkit: undefined, env, label: 'unknown builder' };
  }
  const serverOk = major(server) > 18 || (major(server) === 18 && minor(server) >= 9);
  if (!serverOk || os.trim() === 'windows') return legacy(false);
  const withBuildKit: Builder = { buildkit: true, env: { ...env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' }, label: 'BuildKit' };
  if (major(client) < 23) return withBuildKit;
  // A docker 23+ CLI builds with BuildKit only through buildx (without it, DOCKER_BUILDKIT=1 is an error).
  const buildx = await runDocker(['buildx', 'version'], opts).then(
    () => true,
    () => false,
  );
  return buildx ? withBuildKit : legacy(false);
}

/** Output that says BuildKit cannot be used here: Build and Measure then falls back to the legacy builder once. */
export const BUILDKIT_UNAVAILABLE = /buildx component is missing|BuildKit is enabled but|buildkit not supported by daemon|not compiled with BuildKit/i;

export interface StepProgress {
  step: number;
  total: number;
  what: string;
}

/** Tracks "step N/M" in a build's output: legacy `Step 3/7 : RUN …`, BuildKit plain `#7 [stage 3/7] RUN …`. */
export class StepTracker {
  private buffer = '';
  last: StepProgress | undefined;

  /** Feeds a chunk; returns the newest step seen in it, if any. */
  feed(chunk: string): StepProgress | undefined {
    this.buffer += chunk;
    const lines = this.buffer.split(/\r?\n/);
    this.buffer = lines.pop() ?? '';
    let found: StepProgress | undefined;
    for (const line of lines) {
      const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line) ?? /^#\d+ \[(?:[^\]]*? )?(\d+)\/(\d+)\] (.*)$/.exec(line);
      if (m) found = { step: Number(m[1]), total: Number(m[2]), what: (m[3] ?? '').slice(0, 60) };
    }
    if (found) this.last = found;
    return found;
  }
}

export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
