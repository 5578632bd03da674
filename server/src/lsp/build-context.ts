/**
 * Where a Dockerfile's build context is, and whether it has a `.dockerignore` (DS012): shared by the server and
 * the client's provisional diagnostics, so both read the same settings the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBuildContext, type Confined } from '../../../common/src/workspace/confine.js';

/**
 * The build context folder of the Dockerfile at `uri` (a file: URI): `context` is relative to the workspace folder
 * among `folders` (URIs) that holds it; empty means the Dockerfile's folder. Refused when it leaves the workspace.
 */
export function buildContextOf(uri: string, context: string, folders: readonly string[]): Confined {
  const file = fileURLToPath(uri);
  const folder = folders.find((f) => uri.startsWith(f.endsWith('/') ? f : `${f}/`));
  return resolveBuildContext(context, file, folder ? fileURLToPath(folder) : undefined);
}

/**
 * Does the build context hold a .dockerignore (or `<Dockerfile>.dockerignore`)? Undefined when unknown: a
 * non-file URI, or a context setting that was refused (DS012 then stays quiet rather than look outside the
 * workspace); `refused` hears why.
 */
export function dockerignoreExists(uri: string, context: string, folders: readonly string[], refused?: (reason: string) => void): boolean | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const file = fileURLToPath(uri);
    const r = buildContextOf(uri, context, folders);
    if (!r.ok) {
      refused?.(r.reason);
      return undefined;
    }
    return fs.existsSync(path.join(r.dir, '.dockerignore')) || fs.existsSync(`${file}.dockerignore`);
  } catch {
    return undefined;
  }
}
