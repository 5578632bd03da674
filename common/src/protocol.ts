// Every string the client and the language server must agree on, written once: code-action kinds, commands the
// server's actions and hovers run, and custom LSP messages with their shapes.

/** The `source` of every diagnostic the server (and the client's provisional lint) publishes. */
export const DIAGNOSTIC_SOURCE = 'dockerfile-slim';
/** `editor.codeActionsOnSave` / Optimize: all safe fixes. */
export const FIX_ALL_KIND = 'source.fixAll.dockerfileSlim';
/** Optimize including unsafe fixes (multi-stage conversion, base image swaps). */
export const OPTIMIZE_UNSAFE_KIND = 'source.dockerfileSlim.optimizeUnsafe';
/** Quick fixes that change behaviour: offered, never applied by fix-all. */
export const UNSAFE_QUICKFIX_KIND = 'quickfix.dockerfileSlim.unsafe';
/** Client command a file-creating fix runs: lint again and open the created file. */
export const OPEN_CREATED_COMMAND = 'dockerfileSlim.openCreatedFile';
/** Client command that opens a rule's rendered documentation (argument: the rule id). */
export const SHOW_DOCS_COMMAND = 'dockerfileSlim.showRuleDocs';
/** Optimize Dockerfile: apply all safe fixes (with a preview). */
export const OPTIMIZE_COMMAND = 'dockerfileSlim.optimize';
/** Optimize Dockerfile including unsafe fixes. */
export const OPTIMIZE_UNSAFE_COMMAND = 'dockerfileSlim.optimizeUnsafe';
/** Build the Dockerfile and measure each layer (the layer lens). */
export const BUILD_AND_MEASURE_COMMAND = 'dockerfileSlim.buildAndMeasure';
export const REFRESH_LAYERS_COMMAND = 'dockerfileSlim.refreshLayers';
/** The files a layer adds (from a layer lens). */
export const SHOW_LAYER_FILES_COMMAND = 'dockerfileSlim.showLayerFiles';
export const SHOW_SIZE_HISTORY_COMMAND = 'dockerfileSlim.showSizeHistory';
/** Internal: the estimate lens's details (not in the command palette, so not contributed). */
export const SHOW_ESTIMATE_COMMAND = 'dockerfileSlim.showEstimate';
/** Internal: the context lens's details (not in the command palette, so not contributed). */
export const SHOW_CONTEXT_SIZES_COMMAND = 'dockerfileSlim.showContextSizes';
/** Internal: the whole-image lens's breakdown (not in the command palette, so not contributed). */
export const SHOW_WHOLE_IMAGE_COMMAND = 'dockerfileSlim.showWholeImage';
/** Every command package.json contributes (test/unit/contributions.test.ts holds the two together). */
export const CONTRIBUTED_COMMANDS = [
  OPTIMIZE_COMMAND,
  OPTIMIZE_UNSAFE_COMMAND,
  BUILD_AND_MEASURE_COMMAND,
  REFRESH_LAYERS_COMMAND,
  SHOW_LAYER_FILES_COMMAND,
  SHOW_SIZE_HISTORY_COMMAND,
  SHOW_DOCS_COMMAND,
  OPEN_CREATED_COMMAND,
] as const;
/** Client → server request: size estimates of a document's install RUNs. */
export const ESTIMATES_REQUEST = 'dockerfileSlim/estimates';
/** Client → server notification: package indexes were fetched; load them again. */
export const INDEXES_CHANGED = 'dockerfileSlim/indexesChanged';
/**
 * Client → server notification `{ dir }`: the package-index cache, for a server started with the initialization
 * option `packageIndexDirLater` (the client starts it before VS Code gives the extension its storage folder).
 */
export const PACKAGE_INDEX_DIR_NOTIFICATION = 'dockerfileSlim/packageIndexDir';

/** Client → server notification `{ buildkit }`: whether the configured builder has BuildKit (BuildKit-only fixes are offered only then). */
export const BUILDER_NOTIFICATION = 'dockerfileSlim/builder';
/** Client → server notification: lint every open document again (after a fix created a file such as .dockerignore). */
export const RELINT_NOTIFICATION = 'dockerfileSlim/relint';
export interface BuilderParams {
  buildkit?: unknown;
}

/** Client → server notification: what the last build measured for a Dockerfile, per final-stage instruction. */
export const MEASURED_SIZES_NOTIFICATION = 'dockerfileSlim/measuredSizes';

/** What the build measured per instruction: defined by the layer arithmetic that computes it (no arrow from there to here). */
import type { MeasuredInstruction } from './image-layers/measured.js';
export type { MeasuredInstruction };

export interface MeasuredSizesParams {
  /** The document URI (as the language client sends it). */
  uri: string;
  imageId: string;
  /** Empty: nothing measured (forget earlier figures). */
  instructions: MeasuredInstruction[];
}

/** The answer to ESTIMATES_REQUEST, per install RUN: what the client's CodeLens shows. */
export interface WireEstimate {
  line: number;
  bytes: number;
  packages: number;
  release: string;
  recommends: boolean;
  withRecommendsBytes: number;
  withoutRecommendsBytes: number;
  /** Biggest packages added (at most 15). */
  top: Array<{ name: string; bytes: number }>;
  dropped: number;
  /** DS004's saving in its words ("`--no-install-recommends`, keeping ca-certificates, would save ≈1.1 MB (…)"). */
  flagSaves?: string;
  /** What qualifies the figure (removals of the same RUN, a slim base's upper bound). */
  notes?: string[];
}

/**
 * An npm/yarn install line's estimate (lockfile × registry sizes); `bytes` null when there is no figure (`reason`).
 * Defined by the npm estimate library that computes it, as the engine's rows carry it (without their `kind`).
 */
import type { NpmLineFigures } from './npm-registry/estimate.js';
export type WireNpmEstimate = NpmLineFigures;

export interface EstimatesResult {
  runs: WireEstimate[];
  /** Canonical images (`debian:bookworm`) whose index is not cached: the client may fetch them. */
  missing: string[];
  /** npm/yarn install lines of the image (a whole-image total sums the `bytes` that are not null). */
  npm?: WireNpmEstimate[];
  /** Registry packages without a cached size, and the build context to read the lockfiles from (`fetch-npm`). */
  npmFetch?: { packages: number; context: string };
}

/** Client → server request `{ uri }`: what each COPY/ADD of the document sends from the build context (null: unknown). */
export const CONTEXT_SIZES_REQUEST = 'dockerfileSlim/contextSizes';
/** Client → server notification `{ paths }`: files changed on disk (absolute paths); context sizes are measured again. */
export const CONTEXT_CHANGED_NOTIFICATION = 'dockerfileSlim/contextChanged';

/** The answer to CONTEXT_SIZES_REQUEST: common/src/build-context's ContextSummary without the Node projects (they stay in the server). */
import type { ContextSummary } from './build-context/types.js';
export type ContextSizesResult = Omit<ContextSummary, 'node'>;

/**
 * Client → server request `WholeImageParams`: the whole image before any build (final stage's base + install RUN
 * estimates + context COPY/ADD sizes), the same total as `dockerfile-slim estimate`. Null: no FROM line.
 */
export const WHOLE_IMAGE_REQUEST = 'dockerfileSlim/wholeImage';
export interface WholeImageParams {
  uri: string;
  /** Sizes the client found in the local Docker (`docker image inspect`, trust-gated; never a pull). */
  local?: Array<{ image: string; bytes: number }>;
}
export interface WholeImageResult {
  /** The final stage's FROM line (1-based) and the image it starts from (stage names followed). */
  line: number;
  image: string;
  /** base + packages + context; null when the base has no figure (`base.reason` says why). */
  bytes: number | null;
  base: { bytes: number | null; source: 'docker' | 'index' | 'none'; release?: string; packages?: number; reason?: string };
  packageBytes: number;
  contextBytes: number;
  /** npm/yarn install lines sized from their lockfiles. */
  npmBytes?: number;
  /** Lines in the total, and image lines nobody estimated (1-based). */
  counted: number[];
  notCounted: number[];
  /** False when a context walk stopped early (the total is a lower bound). */
  complete: boolean;
}
