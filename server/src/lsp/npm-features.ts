/**
 * npm estimates in the editor (issue 24 step 4): rows for the estimate lens (`EstimatesResult.npm`) and a hover on
 * `npm ci` / `npm install` / `yarn install` lines, from the Node projects the context worker read (package.json and the
 * lockfile, `ContextFacts.node`) and the npm size cache beside the package indexes. Nothing here fetches: when sizes
 * are missing, the result says so (`npmFetch`) and the client runs `dist/cli.js fetch-npm` after the same consent as
 * the package indexes.
 */
import type { Hover } from 'vscode-languageserver/node';
import type { Model } from '../kernel/model.js';
import { npmEstimates, npmWanted, type NpmLineEstimate } from '../analysis/package-managers/npm-estimate.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import type { NodeProject } from '../../../common/src/build-context/node-projects.js';
import type { NpmSize } from '../../../common/src/npm-registry/size-store.js';
import type { WireNpmEstimate } from '../../../common/src/protocol.js';
import { hoverText } from '../../../common/src/text/markdown.js';

export interface NodeContext {
  /** The build context folder (absolute). */
  root: string;
  projects: NodeProject[];
}

/** The npm rows of a document, and how many registry packages still need a size. */
export function npmWire(
  model: Model,
  node: NodeContext | undefined,
  sizeOf: (n: string, v: string) => NpmSize | undefined,
): { rows: WireNpmEstimate[]; missing: number } {
  if (!node?.projects.length) return { rows: [], missing: 0 };
  const rows = npmEstimates(model, node.projects, sizeOf);
  const missing = new Set(
    npmWanted(model, node.projects)
      .filter((w) => sizeOf(w.name, w.version) === undefined)
      .map((w) => `${w.name}@${w.version}`),
  ).size;
  return { rows: rows.map(toWire), missing };
}

function toWire(r: NpmLineEstimate): WireNpmEstimate {
  return {
    line: r.line,
    bytes: r.bytes,
    packages: r.packages,
    unknown: r.unknown,
    production: r.production,
    devPackages: r.devPackages,
    devBytes: r.devBytes,
    manager: r.manager,
    top: r.top,
    ...(r.lockfile ? { lockfile: r.lockfile } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

/** The hover of an install line: the estimate, what dev dependencies weigh, the biggest packages. */
export function npmHover(row: WireNpmEstimate): Hover {
  if (row.bytes === null) return { contents: { kind: 'markdown', value: `No npm estimate for this line: ${hoverText(row.reason ?? 'unknown')}.` } };
  const dev = row.production
    ? `${row.devPackages} dev packages left out (≈${formatBytes(row.devBytes)}).`
    : `Includes ${row.devPackages} dev packages (≈${formatBytes(row.devBytes)}); \`--omit=dev\` leaves them out.`;
  const head = `**npm estimate before a build** (${hoverText(row.lockfile ?? 'lockfile')}${row.production ? ', production' : ''}): ≈${formatBytes(row.bytes)} · ${row.packages} packages${row.unknown ? ` (${row.unknown} without a size)` : ''}`;
  const biggest = row.top
    .slice(0, 6)
    .map((p) => `${hoverText(p.name)} ${formatBytes(p.bytes)}`)
    .join(', ');
  const value = [
    head,
    '',
    '<details><summary>more</summary>',
    '',
    dev,
    '',
    `Biggest: ${biggest}`,
    '',
    '_Unpacked sizes from the npm registry; the layer also holds node_modules/.package-lock.json._',
    '',
    '</details>',
  ].join('\n');
  return { contents: { kind: 'markdown', value } };
}
