// `dockerfile-slim layers --build CONTEXT`: the user asked for a build on the command line, so this runs
// `docker build --iidfile` (through common/src/docker, argument arrays only) and returns the image id.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBuild, type DockerOptions } from '../../../common/src/docker/docker-cli.js';

/** Builds DOCKERFILE in CONTEXT; the build's output goes to `progress` (stderr), never to stdout. */
export async function buildImage(dockerfile: string, context: string, opts: DockerOptions, progress: (s: string) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dockerfile-slim-'));
  const iidfile = join(dir, 'iid');
  try {
    await runBuild({ dockerfile: resolve(dockerfile), context: resolve(context), iidfile }, opts, progress);
    return (await readFile(iidfile, 'utf8')).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
