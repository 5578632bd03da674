/**
 * Package knowledge in the language server: indexes the client fetched into the cache are
 * loaded in the background (never on a keystroke), then used for the estimates request
 * (CodeLens), hovers on install lines, and the DS004/DS014 messages. Nothing here fetches.
 */
import type { Connection, Hover, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel, type Model } from '../kernel/model.js';
import { MAX_TEXT_LENGTH } from '../engine/lint.js';
import { docEnd, docStart } from '../kernel/run-script.js';
import { estimateModel, type RunEstimate } from '../analysis/package-managers/estimate.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import { pkgName } from '../analysis/package-managers/operations.js';
import { estimateQualifiers, flagSavingsText } from '../analysis/package-managers/recommends-plan.js';
import { packagesWord } from '../analysis/package-managers/size-data.js';
import { baseSet } from '../../../common/src/package-index/base-set.js';
import { noEstimateReason, releaseOfImage, type BaseRelease } from '../../../common/src/package-index/release.js';
import { resolveInstall } from '../../../common/src/package-index/resolve.js';
import { defaultIndexDir, IndexStore } from '../../../common/src/package-index/store.js';
import { NpmSizeStore, type NpmSize } from '../../../common/src/npm-registry/size-store.js';
import type { PackageIndex, PackageLookup } from '../../../common/src/package-index/types.js';
import { ESTIMATES_REQUEST, INDEXES_CHANGED, PACKAGE_INDEX_DIR_NOTIFICATION, type EstimatesResult, type WireEstimate } from '../../../common/src/protocol.js';
import { hoverCode, hoverText } from '../../../common/src/text/markdown.js';
import { npmHover, npmWire, type NodeContext } from './npm-features.js';
import type { WireNpmEstimate } from '../../../common/src/protocol.js';
import { PackagePool } from './package-pool.js';
import { estimateSkippedHover, lineAt } from './estimate-skipped.js';

/**
 * npm rows are computed on the server's main thread (they need the context worker's Node projects, which live there):
 * only for documents up to this size, the same bound under which lint runs inline (bigger ones get apt rows only).
 */
const NPM_MAIN_THREAD_MAX = 64 * 1024;

export { ESTIMATES_REQUEST, INDEXES_CHANGED, type EstimatesResult, type WireEstimate };

export class PackageKnowledge implements PackageLookup {
  version = 0;
  private readonly indexes = new Map<string, PackageIndex | null>();
  private readonly loading = new Set<string>();
  /** Undefined until the client names the cache folder (a server started before the client knew it). */
  private store: IndexStore | undefined;
  /** A lookup found no store yet: lint again once there is one. */
  private askedEarly = false;

  /**
   * `dir` null: wait for useDir() and know no package until then; undefined: the default cache. `eager`: a lookup
   * reads the disk cache at once instead of in the background (the package worker, which answers one request at a time).
   */
  constructor(
    dir: string | null | undefined,
    private readonly log: (m: string) => void,
    private readonly changed: () => void,
    private readonly eager = false,
  ) {
    if (dir !== null) this.store = this.storeAt(dir);
  }

  /** The cache folder read (undefined until the client names it). */
  get dir(): string | undefined {
    return this.store?.options.dir;
  }

  private storeAt(dir: string | undefined): IndexStore {
    this.npmStore = new NpmSizeStore({ dir: dir || defaultIndexDir(), offline: true, log: this.log });
    return new IndexStore({ dir: dir || defaultIndexDir(), offline: true, log: this.log });
  }

  /** npm package sizes cached in the same folder (npm estimates, DS019); never fetches. */
  private npmStore: NpmSizeStore | undefined;

  npmSize(name: string, version: string): NpmSize | undefined {
    return this.npmStore?.cached(name, version);
  }

  /** Reads indexes from `dir` (undefined or empty: the default cache) from now on. */
  useDir(dir: string | undefined): void {
    this.store = this.storeAt(dir);
    if (this.askedEarly || this.indexes.size) this.reload();
    this.askedEarly = false;
  }

  /** The loaded index, or undefined; a miss schedules a background load from the disk cache. */
  lookup(base: BaseRelease): PackageIndex | undefined {
    if (!this.store) {
      this.askedEarly = true;
      return undefined;
    }
    if (this.eager) {
      const index = this.store.cached(base); // memoised by the store while the file is unchanged
      this.indexes.set(base.release, index ?? null);
      return index;
    }
    const hit = this.indexes.get(base.release);
    if (hit === undefined) this.loadSoon(base);
    return hit ?? undefined;
  }

  private loadSoon(base: BaseRelease): void {
    if (this.loading.has(base.release)) return;
    this.loading.add(base.release);
    setTimeout(() => {
      this.loading.delete(base.release);
      let index: PackageIndex | undefined;
      try {
        index = this.store?.cached(base);
      } catch (e) {
        this.log(`package index for ${base.release}: ${(e as Error).message}`);
      }
      this.indexes.set(base.release, index ?? null);
      if (index) {
        // Warm the base set off the keystroke path too.
        baseSet(index, base.flavour);
        this.version++;
        this.changed();
      }
    }, 0);
  }

  /** The client fetched new indexes: forget misses and reload. */
  reload(): void {
    this.indexes.clear();
    this.version++;
    this.changed();
  }

  /** The index of a release, read from the disk cache now when not loaded yet (for requests, never a keystroke). */
  cachedIndex(base: BaseRelease): PackageIndex | undefined {
    let index = this.indexes.get(base.release) ?? undefined;
    if (!index && this.store) {
      index = this.store.cached(base);
      if (index) this.indexes.set(base.release, index);
    }
    return index;
  }

  /** The Node projects of a document's build context (set by the server: the context worker reads them). */
  nodeFor: (uri: string) => NodeContext | undefined = () => undefined;

  /** npm rows and the hover of an npm install line (npm-features.ts). */
  npmOf(text: string, uri: string): { rows: WireNpmEstimate[]; missing: number; root?: string } {
    const node = this.nodeFor(uri);
    if (!node || text.length > NPM_MAIN_THREAD_MAX) return { rows: [], missing: 0 };
    return { ...npmWire(buildModel(text), node, (n, v) => this.npmSize(n, v)), root: node.root };
  }

  /** Estimates for a document; releases not loaded yet are loaded now (this is a request, not a keystroke). */
  estimates(text: string, uri = ''): EstimatesResult {
    return this.withNpm(this.aptEstimates(text), text, uri);
  }

  /** `base` (the apt estimates) with the document's npm rows added, and what the client may fetch for them. */
  withNpm(base: EstimatesResult, text: string, uri: string): EstimatesResult {
    const npm = this.npmOf(text, uri);
    if (!npm.rows.length) return base;
    return { ...base, npm: npm.rows, ...(npm.missing && npm.root ? { npmFetch: { packages: npm.missing, context: npm.root } } : {}) };
  }

  /** The hover of an npm install line on `line`, or null (the package worker answers the rest). */
  npmHoverAt(doc: TextDocument, line: number): Hover | null {
    const text = doc.getText();
    if (text.length > NPM_MAIN_THREAD_MAX || !this.nodeFor(doc.uri)) return null;
    const row = this.npmOf(text, doc.uri).rows.find((r) => r.line === line + 1);
    return row ? npmHover(row) : null;
  }

  private aptEstimates(text: string): EstimatesResult {
    const store = this.store;
    if (text.length > MAX_TEXT_LENGTH || !store) return { runs: [], missing: [] };
    const model = buildModel(text);
    const missing: string[] = [];
    // Only releases of stages that ship are worth a download; a builder stage's estimate waits for its index.
    const shipping = new Set(model.stages.filter((s) => s.shipped).map((s) => releaseOfImage(rootOf(s).imageExpanded)?.release));
    const { runs } = estimateModel(model, (base) => {
      const index = this.cachedIndex(base);
      if (!index && shipping.has(base.release)) missing.push(`${base.distro}:${base.codename}`);
      return index;
    });
    return { runs: runs.map((r) => toWire(model, r, this)), missing: [...new Set(missing)] };
  }

  hover(doc: TextDocument, line: number, character: number): Hover | null {
    const text = doc.getText();
    if (text.length > MAX_TEXT_LENGTH) return null;
    const model = buildModel(text);
    const offset = doc.offsetAt({ line, character });
    const { runs } = estimateModel(model, (b) => this.lookup(b));
    const run = runs.find((r) => r.instr.start <= offset && offset <= r.instr.end);
    if (!run) {
      const at = model.instrs.find((i) => i.start <= offset && offset <= i.end);
      const npmRow = at && this.npmOf(text, doc.uri).rows.find((r) => r.line === at.line + 1);
      if (npmRow) return npmHover(npmRow);
      return this.noEstimateHover(model, offset);
    }
    for (const inst of run.installs) {
      const run0 = inst.op.view.run;
      for (const w of inst.op.pkgs) {
        const start = docStart(run0, w.start);
        const end = docEnd(run0, w.end);
        if (offset < start || offset > end) continue;
        const md = this.packageHover(model, run, pkgName(w.value).toLowerCase());
        return md ? { contents: { kind: 'markdown', value: md } } : null;
      }
    }
    // Anywhere else on the RUN: the estimate of the whole line (the CodeLens shows the build's measurement once there is one).
    return { contents: { kind: 'markdown', value: runHover(model, run, this) } };
  }

  /** On an install RUN without an estimate: why (an unsupported release, a tag without one, no index yet). */
  private noEstimateHover(model: Model, offset: number): Hover | null {
    for (const stage of model.stages) {
      const instr = stage.instrs.find((i) => i.start <= offset && offset <= i.end);
      if (!instr) continue;
      if (instr.keyword !== 'RUN' || !/\bapt(?:-get|itude)?\b[\s\S]*\binstall\b/.test(instr.args)) return null;
      const image = rootOf(stage).imageExpanded;
      const reason = noEstimateReason(image);
      const base = releaseOfImage(image);
      const value = reason
        ? `No package index for ${hoverText(reason)}: no size estimate for this RUN.`
        : base && !this.lookup(base) && this.indexes.get(base.release) === null // null: looked on disk, none cached
          ? `No package index for ${base.distro}:${base.codename} yet: size estimates appear once it is downloaded (setting \`dockerfileSlim.packages.fetch\`).`
          : undefined;
      return value ? { contents: { kind: 'markdown', value } } : null;
    }
    return null;
  }

  private packageHover(model: Model, run: RunEstimate, name: string): string | undefined {
    const root = model.stages.find((s) => s.instrs.includes(run.instr));
    let stage = root;
    while (stage?.parent) stage = stage.parent;
    const base = stage ? releaseOfImage(stage.imageExpanded) : undefined;
    const index = base && this.lookup(base);
    const info = index?.get(name);
    if (!base || !index || !info) return undefined;
    const installed = baseSet(index, base.flavour);
    const without = resolveInstall(index, { packages: [name], recommends: false }, installed);
    const withRec = resolveInstall(index, { packages: [name], recommends: true }, installed);
    const kept = new Set(without.added.map((p) => p.name));
    const recs = withRec.added.filter((p) => !kept.has(p.name));
    const head = installed.has(name)
      ? `**${hoverText(name)}** (${hoverText(base.release)}): ${formatBytes(info.installedBytes)} installed · already in the base image`
      : `**${hoverText(name)}** (${hoverText(base.release)}): ${formatBytes(info.installedBytes)} installed · ≈${formatBytes(without.bytes)} with its dependencies`;
    const more = [
      installed.has(name)
        ? `Already in the ${hoverCode(stage?.imageExpanded ?? '')} base image.`
        : `With its dependencies: ≈${formatBytes(without.bytes)} (${without.added.length} packages on top of the base image).`,
    ];
    if (recs.length) more.push('', `Recommends add ≈${formatBytes(withRec.bytes - without.bytes)} (${recs.length} packages: ${names(recs)}).`);
    return folded(head, more);
  }
}

function rootOf(stage: Model['stages'][number]): Model['stages'][number] {
  let root = stage;
  while (root.parent) root = root.parent;
  return root;
}

function names(list: ReadonlyArray<{ name: string; bytes: number }>, max = 6): string {
  return (
    list
      .slice(0, max)
      .map((p) => `${hoverText(p.name)} ${formatBytes(p.bytes)}`) // names from the index: escaped
      .join(', ') + (list.length > max ? ', …' : '')
  );
}

/** One line of numbers; the rest folded behind "more" (the hover must fit without scrolling). */
function runHover(model: Model, run: RunEstimate, packages: PackageLookup): string {
  const notes = estimateQualifiers(run);
  const head = `**Estimate before a build** (${hoverText([run.release, ...notes].join('; '))}): ≈${formatBytes(run.bytes)} · ${packagesWord(run.packages)}`;
  // DS004's figure and words: the same saving, keeping the same packages, as its message and fix title.
  const flag = run.installs.some((i) => i.recommends) ? flagSavingsText(model, run, { packages }) : '';
  const more = [`Biggest: ${names(run.added)}`];
  if (flag) more.unshift(`${flag}.`, '');
  more.push('', '_Installed sizes from the distribution index; the real layer also holds dpkg metadata._');
  return folded(head, more);
}

/** `head`, then `more` in a collapsed section (markdown inside it still renders). */
export function folded(head: string, more: readonly string[]): string {
  return [head, '', '<details><summary>more</summary>', '', ...more, '', '</details>'].join('\n');
}

function toWire(model: Model, r: RunEstimate, packages: PackageLookup): WireEstimate {
  const flagSaves = r.installs.some((i) => i.recommends) ? flagSavingsText(model, r, { packages }) : '';
  const notes = estimateQualifiers(r);
  return {
    ...(flagSaves ? { flagSaves } : {}),
    ...(notes.length ? { notes } : {}),
    line: r.line,
    bytes: r.bytes,
    packages: r.packages,
    release: r.release,
    recommends: r.installs.some((i) => i.recommends),
    withRecommendsBytes: r.withRecommendsBytes,
    withoutRecommendsBytes: r.withoutRecommendsBytes,
    top: r.added.slice(0, 15),
    dropped: r.dropped.length,
  };
}

export interface PackageFeatures {
  /** The indexes for lint (DS004/DS014 sizes), loaded in the background on this thread. */
  knowledge: PackageKnowledge;
  /** The package hover, computed in the package worker under the lint's budget (null past it). */
  hover(doc: TextDocument, line: number, character: number): Promise<Hover | null>;
  dispose(): void;
}

/**
 * Registers the estimate request; the server's one hover handler asks `hover` (see server.ts). Both are answered by
 * the package worker (package-pool.ts) under the lint's time and memory budget, never on this thread.
 */
export function registerPackageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  dir: string | null | undefined,
  relintAll: () => void,
  pool: PackagePool = new PackagePool(),
): PackageFeatures {
  const log = (m: string): void => connection.console.info(`dockerfile-slim: ${m}`);
  const knowledge = new PackageKnowledge(dir, log, relintAll);
  const none: EstimatesResult = { runs: [], missing: [] };
  connection.onRequest(ESTIMATES_REQUEST, async (params: { uri: string }): Promise<EstimatesResult> => {
    const doc = documents.get(params.uri);
    const at = knowledge.dir;
    if (!doc || at === undefined) return none;
    const r = await pool.estimates(at, doc.uri, doc.getText());
    if (r.kind !== 'done') log(`no size estimates for ${params.uri}: computing them took ${r.reason} (the lint's budget)`);
    // npm rows need the context worker's Node projects, which live on this thread: bounded by NPM_MAIN_THREAD_MAX.
    return knowledge.withNpm(r.kind === 'done' ? r.value : none, doc.getText(), doc.uri);
  });
  documents.onDidClose((e) => pool.forget(e.document.uri));
  connection.onNotification(INDEXES_CHANGED, () => knowledge.reload());
  connection.onNotification(PACKAGE_INDEX_DIR_NOTIFICATION, (p: { dir?: unknown }) => knowledge.useDir(typeof p?.dir === 'string' ? p.dir : undefined));
  return {
    knowledge,
    hover: async (doc, line, character) => {
      const npm = knowledge.npmHoverAt(doc, line);
      if (npm) return npm;
      const at = knowledge.dir;
      if (at === undefined) return null;
      const r = await pool.hover(at, doc.uri, doc.getText(), line, character);
      if (r.kind === 'done') return r.value;
      log(`no package hover for ${doc.uri}: computing it took ${r.reason} (the lint's budget)`);
      return estimateSkippedHover('install', lineAt(doc.getText(), line), `computing it took ${r.reason}, past the editor's budget`);
    },
    dispose: () => pool.dispose(),
  };
}
