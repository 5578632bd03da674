// The user's extra `docker build` options for Build and Measure (settings build.args, build.target,
// build.network, build.extraArgs), checked before anything runs, and the default tag per Dockerfile.
// Every value becomes one argument of an argument array (never a shell string); options that would take over
// what Build and Measure itself controls (the Dockerfile, the image id file, the tag, where the image goes) are refused.
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';

export interface BuildSettings {
  args?: unknown;
  target?: unknown;
  network?: unknown;
  extraArgs?: unknown;
}

export type BuildOptions = { ok: true; args: string[] } | { ok: false; reason: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// eslint-disable-next-line no-control-regex -- a value with a line break or control character is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Options Build and Measure sets itself, or that would send the image elsewhere than the local image store. */
const OWNED = new Set(['file', 'iidfile', 'tag', 'output', 'push', 'quiet', 'metadata-file', 'load', 'label']);

export function buildOptions(s: BuildSettings): BuildOptions {
  const args: string[] = [];
  if (s.args !== undefined && s.args !== null) {
    if (typeof s.args !== 'object' || Array.isArray(s.args)) return { ok: false, reason: 'build.args must be an object of NAME: value' };
    for (const [k, v] of Object.entries(s.args as Record<string, unknown>)) {
      if (!ARG_NAME.test(k)) return { ok: false, reason: `build.args: "${k.slice(0, 40)}" is not a valid ARG name` };
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        return { ok: false, reason: `build.args: the value of ${k} must be a string` };
      }
      const value = String(v);
      if (CONTROL.test(value) || value.length > 4096) {
        return { ok: false, reason: `build.args: the value of ${k} has a line break or control character, or is too long` };
      }
      args.push('--build-arg', `${k}=${value}`);
    }
  }
  for (const [key, flag] of [
    ['target', '--target'],
    ['network', '--network'],
  ] as const) {
    const v = s[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || !NAME.test(v.trim())) return { ok: false, reason: `build.${key} "${String(v).slice(0, 40)}" is not a valid ${key} name` };
    args.push(flag, v.trim());
  }
  if (s.extraArgs !== undefined && s.extraArgs !== null) {
    if (!Array.isArray(s.extraArgs)) return { ok: false, reason: 'build.extraArgs must be an array of "--option=value" strings' };
    for (const a of s.extraArgs as unknown[]) {
      const m = typeof a === 'string' ? /^--([a-z][a-z0-9-]*)(=.*)?$/s.exec(a) : null;
      if (!m || CONTROL.test(a as string) || (a as string).length > 4096) {
        return {
          ok: false,
          reason: `build.extraArgs: "${String(a).slice(0, 40)}" is not one "--option" or "--option=value" (write --platform=linux/amd64, not two entries)`,
        };
      }
      if (OWNED.has(m[1] ?? '')) return { ok: false, reason: `build.extraArgs: --${m[1]} is set by Build and Measure itself (use build.tag for the tag)` };
      args.push(a as string);
    }
  }
  return { ok: true, args };
}

/** One repository path component docker accepts: lower case, [a-z0-9] runs joined by single separators. */
function component(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/**
 * The tag Build and Measure uses without build.tag: `dockerfile-slim/<folder>:latest`, with the file's own name
 * added when it is not plain Dockerfile/Containerfile (`dockerfile-slim/api-prod:latest` for api/Dockerfile.prod),
 * so a rebuild replaces the last image instead of leaving one more untagged image. `unique` adds a short hash of
 * the path, for when another Dockerfile already holds the plain name.
 */
export function defaultTag(dockerfilePath: string, unique = false): string {
  const folder = component(basename(dirname(dockerfilePath))) || 'root';
  const file = basename(dockerfilePath);
  const extra = /^(dockerfile|containerfile)$/i.test(file) ? '' : component(file.replace(/(^|[.-])(dockerfile|containerfile)([.-]|$)/gi, '$1$3'));
  const hash = unique ? createHash('sha256').update(dockerfilePath).digest('hex').slice(0, 8) : '';
  return `dockerfile-slim/${[folder, extra, hash].filter(Boolean).join('-')}:latest`;
}
