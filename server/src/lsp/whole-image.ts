/**
 * The whole image in the editor (issue 24): WHOLE_IMAGE_REQUEST answers the client's status bar and the final
 * stage's FROM lens with analysis/whole-image.ts's total (the same function `dockerfile-slim estimate` prints), and
 * a hover on every FROM line says what its base weighs (or why there is no figure) and, on the final stage, what
 * the total holds and which lines it could not count. Local image sizes come from the client (its `docker image
 * inspect` is trust-gated there); nothing here runs docker or fetches.
 */
import type { Connection, Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel } from '../kernel/model.js';
import { MAX_TEXT_LENGTH } from '../engine/lint.js';
import { needsBudget } from '../runner/costly-shape.js';
import { WORKER_THRESHOLD } from '../runner/lint-pool.js';
import { estimateModel } from '../analysis/package-managers/estimate.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import { baseFigure, baseRow, contextRows, finalBase, linesWord, rootImage, wholeImage } from '../analysis/whole-image.js';
import type { ContextSummary } from '../../../common/src/build-context/types.js';
import type { BaseRelease } from '../../../common/src/package-index/release.js';
import type { PackageIndex } from '../../../common/src/package-index/types.js';
import { WHOLE_IMAGE_REQUEST, type WholeImageParams, type WholeImageResult } from '../../../common/src/protocol.js';
import { hoverCode, hoverText } from '../../../common/src/text/markdown.js';
import type { ContextSizes } from './context-sizes.js';
import { estimateSkippedHover, lineAt } from './estimate-skipped.js';

type Lookup = (b: BaseRelease) => PackageIndex | undefined;

/** The whole image of a Dockerfile text: `local` holds the local Docker's image sizes the client found. */
export function wholeImageOf(
  text: string,
  cached: Lookup,
  local: ReadonlyMap<string, number>,
  summary: ContextSummary | undefined,
  npmRows: ReadonlyArray<{ line: number; bytes: number | null }> = [],
): WholeImageResult | null {
  // This runs on the server's main thread: what lint would give a budget (big or a costly shape) gets no total.
  if (text.length > MAX_TEXT_LENGTH || needsBudget(text, WORKER_THRESHOLD)) return null;
  const model = buildModel(text);
  const image = finalBase(model)?.image;
  const base = image === undefined ? undefined : baseRow('', model, cached, local.get(image));
  if (!base) return null;
  const runs = estimateModel(model, cached).runs.filter((r) => r.final);
  const w = wholeImage(model, base, runs, contextRows('', text, summary), npmRows);
  const { file: _f, line, kind: _k, image: img, ...figure } = base;
  return { line, image: img, bytes: w.bytes, base: figure, ...pick(w) };
}

function pick(w: ReturnType<typeof wholeImage>): Pick<WholeImageResult, 'packageBytes' | 'contextBytes' | 'npmBytes' | 'counted' | 'notCounted' | 'complete'> {
  return {
    packageBytes: w.packageBytes,
    contextBytes: w.contextBytes,
    npmBytes: w.npmBytes,
    counted: w.counted,
    notCounted: w.notCounted,
    complete: w.complete,
  };
}

/** One sentence for a base's figure: "116.7 MB (exact, from the local Docker)", or why there is none. */
export function baseSentence(image: string, b: WholeImageResult['base']): string {
  const name = hoverCode(image);
  if (b.bytes === null) return `Base ${name}: no size before a build (${hoverText(b.reason ?? 'unknown')}).`;
  if (b.source === 'docker') return `Base ${name}: ${formatBytes(b.bytes)} (exact, \`docker image inspect\` of the local image).`;
  if (image === 'scratch') return `Base ${name}: empty.`;
  return `Base ${name}: ≈${formatBytes(b.bytes)} (${hoverText(b.release ?? '')} package index: ${b.packages ?? 0} packages, the minbase closure plus what the image family adds).`;
}

/** The hover of the final stage's FROM line: the total, its parts, and the lines it could not count. */
export function wholeImageMarkdown(w: WholeImageResult): string {
  const lines = [baseSentence(w.image, w.base)];
  if (w.bytes !== null) {
    const parts = [`base ${formatBytes(w.base.bytes ?? 0)}`];
    if (w.packageBytes) parts.push(`packages ${formatBytes(w.packageBytes)}`);
    if (w.npmBytes) parts.push(`npm packages ${formatBytes(w.npmBytes)}`);
    if (w.contextBytes) parts.push(`build context ${formatBytes(w.contextBytes)}${w.complete ? '' : ' or more'}`);
    lines.unshift(`**Whole image before a build ≈ ${formatBytes(w.bytes)}${w.complete ? '' : ' or more'}** (${parts.join(' + ')})`, '');
  }
  if (w.notCounted.length) lines.push('', `Not counted (no estimate for them): ${linesWord(w.notCounted)}.`);
  return lines.join('\n');
}

export interface WholeImageFeature {
  hover(doc: TextDocument, pos: Position): Hover | null;
}

export function registerWholeImage(
  connection: Connection,
  documents: { get(uri: string): TextDocument | undefined },
  packages: { cachedIndex: Lookup; npmOf(text: string, uri: string): { rows: ReadonlyArray<{ line: number; bytes: number | null }> } } | undefined,
  sizes: ContextSizes | undefined,
): WholeImageFeature {
  /** The local Docker's image sizes the client last sent (the hover has no request of its own). */
  let local = new Map<string, number>();
  const none: Lookup = () => undefined;

  connection.onRequest(WHOLE_IMAGE_REQUEST, async (p: WholeImageParams): Promise<WholeImageResult | null> => {
    const doc = documents.get(p?.uri);
    if (!doc) return null;
    if (Array.isArray(p.local)) {
      local = new Map(
        p.local.filter((x) => typeof x?.image === 'string' && Number.isFinite(x.bytes) && x.bytes >= 0).map((x) => [x.image, x.bytes] as [string, number]),
      );
    }
    try {
      const summary = sizes ? await sizes.summary(doc) : undefined;
      const npm = packages ? packages.npmOf(doc.getText(), doc.uri).rows : [];
      return wholeImageOf(doc.getText(), packages ? (b) => packages.cachedIndex(b) : none, local, summary, npm);
    } catch (e) {
      connection.console.error(`dockerfile-slim: whole-image estimate failed: ${String(e)}`);
      return null;
    }
  });

  return {
    hover(doc, pos) {
      const text = doc.getText();
      if (text.length > MAX_TEXT_LENGTH || needsBudget(text, WORKER_THRESHOLD)) {
        return estimateSkippedHover('from', lineAt(text, pos.line), 'this Dockerfile is too large or costly for the editor to total on the fly');
      }
      const model = buildModel(text);
      const stage = model.stages.find((s) => s.from.line === pos.line);
      if (!stage) return null;
      // A hover is no keystroke: an index not in memory yet is read from the disk cache once (as the requests do).
      const lookup: Lookup = packages ? (b) => packages.cachedIndex(b) : none;
      if (stage !== model.stages[model.stages.length - 1]) {
        const image = rootImage(stage);
        return { contents: { kind: 'markdown', value: baseSentence(image, baseFigure(image, local.get(image), lookup)) } };
      }
      const w = wholeImageOf(text, lookup, local, sizes?.lastSummary(doc.uri), packages ? packages.npmOf(text, doc.uri).rows : []);
      return w ? { contents: { kind: 'markdown', value: wholeImageMarkdown(w) } } : null;
    },
  };
}
