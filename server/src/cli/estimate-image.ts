/**
 * The rows `estimate` adds for the whole image (issue 24): the final stage's base on its FROM line (`kind: 'base'`:
 * exact from the local Docker when the image is there, `docker image inspect` only, never a pull; else for
 * Debian/Ubuntu bases the index's minbase closure plus what the image family adds; else no figure and why), and
 * each COPY/ADD of the final stage that reads the build context (`kind: 'context'`, with `--context DIR`).
 */
import { buildModel, type Model } from '../kernel/model.js';
import { baseSet } from '../../../common/src/package-index/base-set.js';
import { releaseOfImage } from '../../../common/src/package-index/release.js';
import type { PackageIndex } from '../../../common/src/package-index/types.js';
import type { BaseRelease } from '../../../common/src/package-index/release.js';
import { runDocker, type DockerOptions } from '../../../common/src/docker/docker-cli.js';
import type { ContextSummary } from '../../../common/src/build-context/types.js';
import { copySources } from '../../../common/src/build-context/copy-sources.js';

export interface BaseRow {
  file: string;
  line: number;
  kind: 'base';
  image: string;
  bytes: number | null;
  source: 'docker' | 'index' | 'none';
  release?: string;
  packages?: number;
  reason?: string;
}

export interface ContextRow {
  file: string;
  line: number;
  kind: 'context';
  bytes: number;
  files: number;
  top: Array<{ path: string; bytes: number }>;
  complete: boolean;
}

/** Size of a local image, or undefined when Docker is absent or does not have it (never pulls). */
export async function localImageSize(image: string, docker: DockerOptions | undefined): Promise<number | undefined> {
  if (!docker || image === 'scratch' || image.includes('$')) return undefined;
  try {
    const out = await runDocker(['image', 'inspect', '--format', '{{.Size}}', '--', image], docker);
    const n = Number(out.trim());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The base of the final stage (following stage names to the image they start from). */
export function finalBase(model: Model): { image: string; line: number } | undefined {
  const final = model.stages[model.stages.length - 1];
  if (!final) return undefined;
  let s = final;
  for (let guard = 0; s.parent && guard < 64; guard++) s = s.parent;
  return { image: s.imageExpanded, line: final.from.line + 1 };
}

export async function baseRow(
  file: string,
  model: Model,
  cached: (b: BaseRelease) => PackageIndex | undefined,
  docker: DockerOptions | undefined,
): Promise<BaseRow | undefined> {
  const base = finalBase(model);
  if (!base) return undefined;
  const row = { file, line: base.line, kind: 'base' as const, image: base.image };
  if (base.image === 'scratch') return { ...row, bytes: 0, source: 'index' };
  const local = await localImageSize(base.image, docker);
  if (local !== undefined) return { ...row, bytes: local, source: 'docker' };
  const rel = releaseOfImage(base.image);
  if (!rel) return { ...row, bytes: null, source: 'none', reason: 'not in the local Docker, and not a Debian/Ubuntu base the package index knows' };
  const index = cached(rel);
  if (!index) {
    return { ...row, bytes: null, source: 'none', release: rel.release, reason: `not in the local Docker, and the ${rel.release} package index is not cached` };
  }
  const set = baseSet(index, rel.flavour);
  let bytes = 0;
  for (const n of set) bytes += index.get(n)?.installedBytes ?? 0;
  return { ...row, bytes, source: 'index', release: rel.release, packages: set.size };
}

/** The final stage and the stages it is built FROM: their layers are the image's layers. */
function imageStages(model: Model): Set<Model['stages'][number]> {
  const out = new Set<Model['stages'][number]>();
  for (let s = model.stages[model.stages.length - 1]; s && !out.has(s); s = s.parent ?? undefined) out.add(s);
  return out;
}

/** Rows for the image's COPY/ADD lines (final stage and the stages it builds on) that read the context. */
export function contextRows(file: string, text: string, summary: ContextSummary | undefined): ContextRow[] {
  if (!summary) return [];
  const model = buildModel(text);
  const stages = imageStages(model);
  const finalLines = new Set(
    model.instrs.filter((i) => i.stage && stages.has(i.stage) && (i.keyword === 'COPY' || i.keyword === 'ADD') && copySources(i.args)).map((i) => i.line + 1),
  );
  return summary.copies
    .filter((c) => finalLines.has(c.line))
    .map((c) => ({ file, line: c.line, kind: 'context' as const, bytes: c.bytes, files: c.files, top: c.top.slice(0, 5), complete: summary.complete }));
}

/** Image lines whose layer size nobody estimated (RUN without a package estimate, COPY --from, ADD of a URL). */
export function unestimatedLines(model: Model, estimated: ReadonlySet<number>): number[] {
  const stages = imageStages(model);
  return model.instrs
    .filter((i) => i.stage && stages.has(i.stage) && (i.keyword === 'RUN' || i.keyword === 'COPY' || i.keyword === 'ADD') && !estimated.has(i.line + 1))
    .map((i) => i.line + 1);
}

export interface ImageRowsInput {
  file: string;
  text: string;
  model: Model;
  /** The package rows already written for the file (line and bytes). */
  packageRows: ReadonlyArray<{ line: number; bytes: number }>;
  /** npm/yarn install rows (estimate-npm.ts); those with a figure count in the total. */
  npmRows?: ReadonlyArray<{ line: number; bytes: number | null }>;
  cached: (b: BaseRelease) => PackageIndex | undefined;
  docker: DockerOptions | undefined;
  context: ContextSummary | undefined;
  format: 'text' | 'json';
}

/** The base and context rows of one file, and in text the whole-image total with the lines it could not count. */
export async function imageRows(input: ImageRowsInput, out: (s: string) => void): Promise<Array<BaseRow | ContextRow>> {
  const base = await baseRow(input.file, input.model, input.cached, input.docker);
  const ctx = contextRows(input.file, input.text, input.context);
  const rows: Array<BaseRow | ContextRow> = [...(base ? [base] : []), ...ctx];
  if (input.format === 'text') {
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    if (base) {
      const how = base.source === 'docker' ? 'local Docker' : base.source === 'index' ? `${base.release ?? 'index'}, ${base.packages ?? 0} packages` : '';
      out(
        `${input.file}:${base.line}: ${base.bytes === null ? `base ${base.image}: no figure (${base.reason})` : `base ${base.image} ≈${mb(base.bytes)} (${how})`}`,
      );
    }
    for (const c of ctx) {
      out(
        `${input.file}:${c.line}: ≈${mb(c.bytes)}${c.complete ? '' : '+'} from the build context (${c.files} files${c.top[0] ? `; biggest ${c.top[0].path} ${mb(c.top[0].bytes)}` : ''})`,
      );
    }
    const npm = (input.npmRows ?? []).filter((r): r is { line: number; bytes: number } => r.bytes !== null);
    const counted = new Set([...input.packageRows.map((r) => r.line), ...ctx.map((c) => c.line), ...npm.map((r) => r.line)]);
    const missing = unestimatedLines(input.model, counted);
    if (base && base.bytes !== null) {
      const total =
        base.bytes + input.packageRows.reduce((n, r) => n + r.bytes, 0) + ctx.reduce((n, c) => n + c.bytes, 0) + npm.reduce((n, r) => n + r.bytes, 0);
      out(
        `${input.file}: whole image ≈${mb(total)} before any build${missing.length ? ` (not counted: line${missing.length > 1 ? 's' : ''} ${missing.join(', ')})` : ''}`,
      );
    }
  }
  return rows;
}
