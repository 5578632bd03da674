/**
 * The rows `estimate` adds for the whole image (issue 24), from analysis/whole-image.ts (the computation the editor's
 * status bar and FROM lens read too): the final stage's base on its FROM line (`kind: 'base'`), each COPY/ADD of the
 * image's stages that reads the build context (`kind: 'context'`, with `--context DIR`), and in text the total.
 * The CLI looks the base up in the local Docker itself: `docker image inspect` only, never a pull.
 */
import type { Model } from '../kernel/model.js';
import type { PackageIndex } from '../../../common/src/package-index/types.js';
import type { BaseRelease } from '../../../common/src/package-index/release.js';
import { runDocker, type DockerOptions } from '../../../common/src/docker/docker-cli.js';
import type { ContextSummary } from '../../../common/src/build-context/types.js';
import { baseRow, contextRows, finalBase, linesWord, wholeImage, type BaseRow, type ContextRow } from '../analysis/whole-image.js';

export type { BaseRow, ContextRow };

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

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** The base and context rows of one file, and in text the whole-image total with the lines it could not count. */
export async function imageRows(input: ImageRowsInput, out: (s: string) => void): Promise<Array<BaseRow | ContextRow>> {
  const image = finalBase(input.model)?.image;
  const local = image ? await localImageSize(image, input.docker) : undefined;
  const base = baseRow(input.file, input.model, input.cached, local);
  const ctx = contextRows(input.file, input.text, input.context);
  const rows: Array<BaseRow | ContextRow> = [...(base ? [base] : []), ...ctx];
  if (input.format === 'text') {
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
    const whole = base && wholeImage(input.model, base, input.packageRows, ctx, input.npmRows);
    if (whole && whole.bytes !== null) {
      const missing = whole.notCounted;
      out(
        `${input.file}: whole image ≈${mb(whole.bytes)}${whole.complete ? '' : '+'} before any build${missing.length ? ` (not counted: ${linesWord(missing)})` : ''}`,
      );
    }
  }
  return rows;
}
