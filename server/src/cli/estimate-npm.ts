/**
 * `estimate`'s npm rows (kind `npm`, issue 24): the Node projects the Dockerfile's COPY lines bring from the build
 * context (`--context DIR`, else the Dockerfile's folder; package.json and the lockfile only, no walk), the registry's
 * sizes for what their lockfiles install (fetched into the index folder unless `--offline`), one row per install line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Model } from '../kernel/model.js';
import { contextCopies } from '../analysis/context-copies.js';
import { npmEstimates, npmWanted, type NpmLineEstimate } from '../analysis/package-managers/npm-estimate.js';
import { nodeProjects, type NodeProject } from '../../../common/src/build-context/node-projects.js';
import type { NpmSizeStore } from '../../../common/src/npm-registry/size-store.js';

export type NpmRow = NpmLineEstimate & { file: string };

/** The Node projects of a Dockerfile's context (`projects` when the context walk already read them). */
export function projectsOf(file: string, text: string, contextDir: string | undefined, measured?: NodeProject[]): NodeProject[] {
  if (measured) return measured;
  const dir = contextDir ?? (file === '-' ? undefined : path.dirname(path.resolve(file)));
  if (!dir) return [];
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch {
    return [];
  }
  return nodeProjects(
    root,
    contextCopies(text).flatMap((c) => c.sources),
  );
}

export async function npmRows(file: string, model: Model, projects: NodeProject[], store: NpmSizeStore): Promise<NpmRow[]> {
  const wanted = npmWanted(model, projects);
  if (wanted.length) await store.ensure(wanted);
  return npmEstimates(model, projects, (n, v) => store.cached(n, v)).map((r) => ({ file, ...r }));
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** The text line of a row. */
export function npmRowText(r: NpmRow): string {
  if (r.bytes === null) return `${r.file}:${r.line}: ${r.manager} install: no figure (${r.reason ?? 'unknown'})`;
  const notes = [r.production ? `production, ${r.devPackages} dev left out` : `with ${r.devPackages} dev`, r.lockfile ?? ''];
  if (r.unknown) notes.push(`${r.unknown} without a size`);
  return `${r.file}:${r.line}: ≈${mb(r.bytes)} · ${r.packages} npm packages (${notes.filter(Boolean).join('; ')})${r.top[0] ? `; biggest ${r.top[0].name} ${mb(r.top[0].bytes)}` : ''}`;
}
