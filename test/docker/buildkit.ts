/** Real BuildKit builds for the docker tier: skip reason, a checked docker call, a build into a temporary context. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { repoRoot } from '../helpers/paths.js';

export const DOCKER = '/usr/bin/docker';

export function dockerSkipReason(): string | false {
  if (process.env.DOCKER_TESTS === 'skip') return 'DOCKER_TESTS=skip';
  if (!fs.existsSync(DOCKER)) return `${DOCKER} not installed`;
  const answers = spawnSync(DOCKER, ['version'], { stdio: 'ignore' }).status === 0;
  if (!answers && process.getuid?.() !== 0) return 'no running dockerd and not root (cannot start one)';
  return false;
}

/** `docker ARGS` with BuildKit on; fails the test with docker's output when it fails. */
export function dockerOk(args: string[]): string {
  const r = spawnSync(DOCKER, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  assert.equal(r.status, 0, `docker ${args.join(' ')}:\n${out.slice(-4000)}`);
  return out;
}

/**
 * Builds `text` (plus `files`) as `tag` and returns BuildKit's plain log. Each build gets a fresh layer cache through a
 * unique build argument rather than `--no-cache`, which in Docker 20.10 also empties the cache mounts.
 */
export function buildkitBuild(text: string, tag: string, files: Record<string, string> = {}): string {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-bk-'));
  try {
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(ctx, name), body);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), text.replace(/^RUN /m, 'ARG BUST\nRUN '));
    return dockerOk(['build', '--build-arg', `BUST=${process.pid}-${Date.now()}`, '--progress=plain', '-t', tag, ctx]);
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

export const imageSize = (tag: string): number => Number(dockerOk(['image', 'inspect', '-f', '{{.Size}}', tag]).trim());

/**
 * Makes the local stack base images a test builds on (scripts/stack-images.sh: idempotent, about a second when they are
 * there). A fresh machine has none, and a missing image must fail or build, never look like an unreachable network.
 */
export function ensureStackImages(...stacks: string[]): void {
  const script = path.join(repoRoot, 'scripts', 'stack-images.sh');
  const r = spawnSync('bash', [script, ...stacks], { stdio: 'inherit', timeout: 40 * 60_000 });
  assert.equal(r.status, 0, `scripts/stack-images.sh ${stacks.join(' ')} failed`);
}
