/**
 * The whole image before any build (issue 24), one computation for the CLI's `estimate` and the editor's status
 * bar and FROM lens: the final stage's base (exact size from the local Docker when the caller found the image there,
 * else for Debian/Ubuntu bases the index's minbase closure plus what the image family adds, else no figure and why),
 * the package estimates of its install RUNs, and what its COPY/ADD lines send from the build context. Pure: the
 * caller looks the local image up (the CLI with `docker image inspect`, the editor trust-gated in the client).
 */
import { buildModel, type Model } from '../kernel/model.js';
import { baseSet } from '../../../common/src/package-index/base-set.js';
import { releaseOfImage, type BaseRelease } from '../../../common/src/package-index/release.js';
import type { PackageIndex } from '../../../common/src/package-index/types.js';
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

type Stage = Model['stages'][number];

/** The image a stage starts from, following stage names (`FROM build`) to the image they start from. */
export function rootImage(stage: Stage): string {
  let s = stage;
  for (let guard = 0; s.parent && guard < 64; guard++) s = s.parent;
  return s.imageExpanded;
}

/** The base of the final stage: its root image and its FROM line (1-based). */
export function finalBase(model: Model): { image: string; line: number } | undefined {
  const final = model.stages[model.stages.length - 1];
  return final ? { image: rootImage(final), line: final.from.line + 1 } : undefined;
}

/** What a base image weighs: `local` (the local Docker's exact size) wins, else the index, else no figure and why. */
export function baseFigure(
  image: string,
  local: number | undefined,
  cached: (b: BaseRelease) => PackageIndex | undefined,
): Pick<BaseRow, 'bytes' | 'source' | 'release' | 'packages' | 'reason'> {
  if (image === 'scratch') return { bytes: 0, source: 'index' };
  if (local !== undefined) return { bytes: local, source: 'docker' };
  const rel = releaseOfImage(image);
  if (!rel) return { bytes: null, source: 'none', reason: 'not in the local Docker, and not a Debian/Ubuntu base the package index knows' };
  const index = cached(rel);
  if (!index) {
    return { bytes: null, source: 'none', release: rel.release, reason: `not in the local Docker, and the ${rel.release} package index is not cached` };
  }
  const set = baseSet(index, rel.flavour);
  let bytes = 0;
  for (const n of set) bytes += index.get(n)?.installedBytes ?? 0;
  return { bytes, source: 'index', release: rel.release, packages: set.size };
}

/** The final stage's base row; `local` is the local Docker's size of `finalBase(model).image` when it has it. */
export function baseRow(file: string, model: Model, cached: (b: BaseRelease) => PackageIndex | undefined, local: number | undefined): BaseRow | undefined {
  const base = finalBase(model);
  if (!base) return undefined;
  return { file, line: base.line, kind: 'base', image: base.image, ...baseFigure(base.image, local, cached) };
}

/** The final stage and the stages it is built FROM: their layers are the image's layers. */
export function imageStages(model: Model): Set<Stage> {
  const out = new Set<Stage>();
  for (let s = model.stages[model.stages.length - 1]; s && !out.has(s); s = s.parent ?? undefined) out.add(s);
  return out;
}

/** Rows for the image's COPY/ADD lines (final stage and the stages it builds on) that read the context. */
export function contextRows(file: string, text: string, summary: ContextSummary | undefined): ContextRow[] {
  if (!summary) return [];
  const model = buildModel(text);
  const stages = imageStages(model);
  const imageLines = new Set(
    model.instrs.filter((i) => i.stage && stages.has(i.stage) && (i.keyword === 'COPY' || i.keyword === 'ADD') && copySources(i.args)).map((i) => i.line + 1),
  );
  return summary.copies
    .filter((c) => imageLines.has(c.line))
    .map((c) => ({ file, line: c.line, kind: 'context' as const, bytes: c.bytes, files: c.files, top: c.top.slice(0, 5), complete: summary.complete }));
}

/** Image lines whose layer size nobody estimated (RUN without a package estimate, COPY --from, ADD of a URL). */
export function unestimatedLines(model: Model, estimated: ReadonlySet<number>): number[] {
  const stages = imageStages(model);
  return model.instrs
    .filter((i) => i.stage && stages.has(i.stage) && (i.keyword === 'RUN' || i.keyword === 'COPY' || i.keyword === 'ADD') && !estimated.has(i.line + 1))
    .map((i) => i.line + 1);
}

/** The whole image: the one total every surface shows (CLI text, status bar, FROM lens and hover). */
export interface WholeImage {
  base: BaseRow;
  /** base + packages + context; null when the base has no figure. */
  bytes: number | null;
  packageBytes: number;
  contextBytes: number;
  /** npm/yarn install lines from their lockfiles (0 when none). */
  npmBytes: number;
  /** Lines whose estimate is in the total (install RUNs, context COPY/ADD), 1-based. */
  counted: number[];
  /** Image lines nobody estimated, 1-based. */
  notCounted: number[];
  /** False when a context walk stopped early (the total is then a lower bound). */
  complete: boolean;
}

/**
 * Adds the rows up; `packageRows` are the final stage's install RUN estimates (`RunEstimate.final`), `npmRows` the
 * npm/yarn install lines sized from their lockfiles (only those of the image's stages count; null sizes do not).
 */
export function wholeImage(
  model: Model,
  base: BaseRow,
  packageRows: ReadonlyArray<{ line: number; bytes: number }>,
  ctx: readonly ContextRow[],
  npmRows: ReadonlyArray<{ line: number; bytes: number | null }> = [],
): WholeImage {
  const stages = imageStages(model);
  const imageLines = new Set(model.instrs.filter((i) => i.stage && stages.has(i.stage)).map((i) => i.line + 1));
  const npm = npmRows.filter((r): r is { line: number; bytes: number } => r.bytes !== null && imageLines.has(r.line));
  const packageBytes = packageRows.reduce((n, r) => n + r.bytes, 0);
  const contextBytes = ctx.reduce((n, c) => n + c.bytes, 0);
  const npmBytes = npm.reduce((n, r) => n + r.bytes, 0);
  const counted = [...new Set([...packageRows.map((r) => r.line), ...ctx.map((c) => c.line), ...npm.map((r) => r.line)])].sort((a, b) => a - b);
  return {
    base,
    bytes: base.bytes === null ? null : base.bytes + packageBytes + contextBytes + npmBytes,
    packageBytes,
    contextBytes,
    npmBytes,
    counted,
    notCounted: unestimatedLines(model, new Set(counted)),
    complete: ctx.every((c) => c.complete),
  };
}

/** "lines 4, 7" / "line 4" (the CLI's text and the editor's tooltip). */
export function linesWord(lines: readonly number[]): string {
  return `line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`;
}
