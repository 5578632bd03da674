// CodeLens above each final-stage instruction with its layer's size from the last build (vscode glue only; the
// work is in common/src/image-layers and common/src/docker). Docker calls run off the provider's path, cached by image id, and every
// failure becomes one quiet lens instead of a popup.
import * as vscode from 'vscode';
import { buildAndMeasure, dockerOptions, instructionHashes, recordKey, type BuildRecord } from './build-measure.js';
import { DockerError, imageId } from '../../common/src/docker/docker-cli.js';
import { setting, trustedSetting } from './settings.js';
import { tooLargeForLenses, TOO_LARGE_TITLE, UNREADABLE_TITLE, WasteCache } from './lens-budget.js';
import { SizeHistory } from './size-history.js';
import { MeasuredSync, type SendNotification } from './measured-sync.js';
import { deltaSuffix } from './size-chart.js';
import { finalStage, formatBytes, type LayerAttribution } from '../../common/src/image-layers/index.js';
import { LayerComputeError, LayerPool, MissingImageData } from './layer-pool.js';
import { details, hideLens, layerHover, showLayerFiles, wasteSuffix, type LayerDetail } from './layer-details.js';
import { registerWhenSettled } from './after-settled.js';
import { BUILD_AND_MEASURE_COMMAND, REFRESH_LAYERS_COMMAND, SHOW_LAYER_FILES_COMMAND } from '../../common/src/protocol.js';

type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: DockerError; at: number };

/** What the lens knows of an image; its rows and layer file lists stay in the layer worker (layer-pool.ts). */
interface ImageData {
  id: string;
  history: Load<{ rows: number; totalBytes: number }>;
  saved: Load<true>;
}

const RETRY_MS = 30_000;
const QUIET: Record<DockerError['kind'], string> = {
  'not-installed': 'Layer sizes: Docker not found (setting dockerfileSlim.dockerPath)',
  'daemon-down': 'Layer sizes: Docker daemon not running',
  'image-not-found': 'Layer sizes: the measured image is gone — Build and Measure again',
  'timed-out': 'Layer sizes: docker did not answer in time',
  'malformed-output': 'Layer sizes: unreadable docker output',
  failed: 'Layer sizes: docker failed',
};

const asDockerError = (e: unknown): DockerError => (e instanceof DockerError ? e : new DockerError('failed', String(e)));

/** Every "reading…"/"measuring…" state ends: past this a docker call (or reading its output) counts as timed out. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DockerError('timed-out', `${what} did not finish in ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
const RETRY_TITLE = ' — Retry';

class LayerLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Image reference (id or tag) → resolved image id. Tags are re-resolved after builds, saves and config changes. */
  private readonly refs = new Map<string, Load<string>>();
  private readonly images = new Map<string, ImageData>();
  private readonly wasteCache = new WasteCache();
  /** Image and document pairs whose waste the worker is computing. */
  private readonly wastePending = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly pool: LayerPool,
    private readonly sizes?: SizeHistory,
    private readonly measured?: MeasuredSync,
  ) {}

  refresh(forgetTags = true): void {
    if (forgetTags) this.refs.clear();
    // A read that failed or timed out starts again (Refresh Layer Sizes, the Retry link); one under way goes on.
    for (const [id, d] of this.images) if (d.history.state === 'error' || d.saved.state === 'error') this.images.delete(id);
    this.changed.fire();
  }

  private reference(doc: vscode.TextDocument): { ref: string; record?: BuildRecord } | undefined {
    const record = this.context.workspaceState.get<BuildRecord>(recordKey(doc.uri.fsPath));
    if (record) return { ref: record.imageId, record };
    const tag = mappedImage(doc);
    return tag ? { ref: tag } : undefined;
  }

  /** Kicks off (once) the docker calls for a reference; the provider never awaits them. */
  private load(ref: string, scope: vscode.Uri): Load<ImageData> {
    const r = this.refs.get(ref);
    const stale = r?.state === 'error' && Date.now() - r.at > RETRY_MS;
    if (!r || stale) {
      this.refs.set(ref, { state: 'loading' });
      const opts = dockerOptions(scope);
      withDeadline(imageId(ref, opts), opts.timeoutMs + 5000, 'docker inspect').then(
        (id) => {
          this.refs.set(ref, { state: 'ready', value: id });
          if (!this.images.has(id)) this.fetch(id, scope);
          this.changed.fire();
        },
        (e: unknown) => {
          this.refs.set(ref, { state: 'error', error: asDockerError(e), at: Date.now() });
          this.changed.fire();
        },
      );
      return { state: 'loading' };
    }
    if (r.state !== 'ready') return r;
    const data = this.images.get(r.value);
    if (data?.history.state === 'error' && Date.now() - data.history.at > RETRY_MS) this.fetch(r.value, scope); // retry later, not on every keystroke
    return data ? { state: 'ready', value: data } : { state: 'loading' };
  }

  private fetch(id: string, scope: vscode.Uri): void {
    const data: ImageData = { id, history: { state: 'loading' }, saved: { state: 'loading' } };
    this.images.set(id, data);
    const opts = dockerOptions(scope);
    const saveMs = Math.max(opts.timeoutMs * 4, 120_000);
    withDeadline(this.pool.history(id, opts), opts.timeoutMs + 5000, 'docker history')
      .then(
        (rows) => {
          data.history = { state: 'ready', value: rows };
          this.changed.fire();
          // Wasted bytes need the layer tars: slower, so after the sizes are on screen.
          return withDeadline(this.pool.save(id, { ...opts, timeoutMs: saveMs }), saveMs + 10_000, 'measuring wasted bytes').then(
            () => (data.saved = { state: 'ready', value: true }),
            (e: unknown) => (data.saved = { state: 'error', error: asDockerError(e), at: Date.now() }),
          );
        },
        (e: unknown) => {
          data.history = { state: 'error', error: asDockerError(e), at: Date.now() };
        },
      )
      .finally(() => this.changed.fire());
  }

  /** The worker lost the image (a fresh worker, or evicted): read it again. */
  private lost(id: string): void {
    this.images.delete(id);
    for (const [ref, r] of this.refs) if (r.state === 'ready' && r.value === id) this.refs.delete(ref);
    this.changed.fire();
  }

  /** Wasted bytes for the image and document: computed once, in the worker; the lens refreshes when they arrive. */
  private wasteFor(id: string, doc: vscode.TextDocument, text: string, stage: ReturnType<typeof finalStage>): ReturnType<WasteCache['peek']> {
    const uri = doc.uri.toString();
    const known = this.wasteCache.peek(id, uri, stage);
    if (known) return known;
    const key = `${id}\0${uri}`;
    if (!this.wastePending.has(key)) {
      this.wastePending.add(key);
      this.pool
        .waste(id, text)
        .then(
          (answer) => this.wasteCache.store(id, uri, stage, answer),
          (e: unknown) => {
            if (e instanceof MissingImageData) this.lost(id);
            else this.wasteCache.store(id, uri, stage, { error: e instanceof Error ? e.message : String(e) });
          },
        )
        .finally(() => {
          this.wastePending.delete(key);
          this.changed.fire();
        });
    }
    return undefined;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!setting('layers.enabled', doc.uri)) return [];
    const text = doc.getText();
    if (tooLargeForLenses(text)) return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: TOO_LARGE_TITLE, command: '' })];
    const stage = finalStage(text);
    if (stage.fromLine === 0) return [];
    const at = (line: number): vscode.Range => new vscode.Range(line - 1, 0, line - 1, 0);
    const quiet = (title: string, command = ''): vscode.CodeLens[] => [
      new vscode.CodeLens(at(stage.fromLine), { title, command, arguments: command ? [doc.uri] : [] }),
    ];
    const ref = this.reference(doc);
    if (!ref) return []; // never built: no lens (Build and Measure is in the editor title menu and the palette)
    const loaded = this.load(ref.ref, doc.uri);
    if (loaded.state === 'loading') return quiet('$(sync~spin) Layer sizes: reading the image…');
    if (loaded.state === 'error' && loaded.error.kind === 'timed-out') return quiet(QUIET['timed-out'] + RETRY_TITLE, REFRESH_LAYERS_COMMAND);
    if (loaded.state === 'error') return quiet(QUIET[loaded.error.kind], loaded.error.kind === 'image-not-found' ? BUILD_AND_MEASURE_COMMAND : '');
    const { history, saved } = loaded.value;
    if (history.state === 'loading') return quiet('$(sync~spin) Layer sizes: reading the image…');
    if (history.state === 'error') {
      return quiet(QUIET[history.error.kind] + (history.error.kind === 'timed-out' ? RETRY_TITLE : ''), REFRESH_LAYERS_COMMAND);
    }

    let rows: LayerAttribution[];
    try {
      rows = await this.pool.attribute(loaded.value.id, text); // off this thread, once per image and text
    } catch (e) {
      if (e instanceof MissingImageData) {
        this.lost(loaded.value.id);
        return quiet('$(sync~spin) Layer sizes: reading the image…');
      }
      return quiet(`Layer sizes: not computed (${e instanceof LayerComputeError ? e.message : String(e)})`);
    }
    const computed = saved.state === 'ready' ? this.wasteFor(loaded.value.id, doc, text, stage) : undefined;
    const waste = computed?.ok ? computed.waste : [];
    if (computed?.ok) this.measured?.update(doc.uri, loaded.value.id, computed.measured);
    const wasteAt = new Map(waste.map((w) => [w.line, w]));
    // Stale: the instruction on this line is not one that was built (text hash recorded by Build and Measure).
    const builtHashes = ref.record ? new Set(ref.record.instructionHashes) : undefined;
    const nowHashes = instructionHashes(text);
    const byLine = new Map<number, { bytes: number; createdBy: string[]; stale: boolean }>();
    for (const r of rows) {
      const cur = byLine.get(r.line) ?? { bytes: 0, createdBy: [], stale: false };
      cur.bytes += r.bytes;
      cur.createdBy.push(r.createdBy);
      const edited = builtHashes !== undefined && !builtHashes.has(nowHashes.get(r.line) ?? '');
      cur.stale ||= r.stale === true || edited;
      byLine.set(r.line, cur);
    }
    const deltaOf = this.sizes?.observe(doc.uri, loaded.value.id, history.value.totalBytes, text, byLine);
    const lenses: vscode.CodeLens[] = [];
    const keywords = new Map(stage.instructions.map((i) => [i.line, i.keyword]));
    const shown = new Map<number, LayerDetail>();
    details.set(doc.uri.toString(), shown);
    let rebuilt = false; // an edited instruction invalidates the build cache of every layer after it
    for (const line of [stage.fromLine, ...stage.instructions.map((i) => i.line)]) {
      const l = byLine.get(line);
      if (!l) {
        if (!hideLens(keywords.get(line) ?? '', 0, doc.uri)) lenses.push(new vscode.CodeLens(at(line), { title: 'not in the last build', command: '' }));
        continue;
      }
      const afterEdit = rebuilt && !l.stale;
      rebuilt ||= l.stale;
      if (hideLens(keywords.get(line) ?? '', l.bytes, doc.uri)) continue;
      const w = wasteAt.get(line);
      let title = `${l.stale || afterEdit ? '≈ ' : ''}${formatBytes(l.bytes)}${line === stage.fromLine ? ' base image' : ''}${l.stale ? '' : deltaSuffix(deltaOf?.(line))}`;
      if (w && w.wastedBytes > 0 && !l.stale) title += wasteSuffix(w, line, l.bytes);
      if (l.stale) title += ' (edited since the build)';
      else if (afterEdit) title += ' (will be rebuilt)';
      shown.set(line, { line, title, bytes: l.bytes, createdBy: l.createdBy, waste: w });
      const tooltip = [
        l.createdBy.join('\n'),
        ...(w ? ['', 'Biggest files:', ...w.topFiles.map((f) => `${formatBytes(f.bytes).padStart(9)}  /${f.path}`)] : []),
      ].join('\n');
      lenses.push(new vscode.CodeLens(at(line), { title, tooltip, command: SHOW_LAYER_FILES_COMMAND, arguments: [line, l.createdBy, w, doc.uri.toString()] }));
    }
    if (saved.state === 'error' && saved.error.kind === 'timed-out') {
      lenses.push(new vscode.CodeLens(at(stage.fromLine), { title: `wasted bytes: ${saved.error.message}${RETRY_TITLE}`, command: REFRESH_LAYERS_COMMAND }));
    } else if (saved.state === 'error' || computed?.ok === false) {
      lenses.push(new vscode.CodeLens(at(stage.fromLine), { title: UNREADABLE_TITLE, command: '' }));
    }
    if (saved.state === 'loading' || (saved.state === 'ready' && !computed)) {
      lenses.push(new vscode.CodeLens(at(stage.fromLine), { title: '$(sync~spin) measuring wasted bytes…', command: '' }));
    }
    return lenses;
  }
}

/** The image `dockerfileSlim.layers.image` maps this Dockerfile to (restricted: the workspace's value only when trusted). */
export function mappedImage(doc: vscode.TextDocument): string | undefined {
  const map = trustedSetting('layers.image', doc.uri);
  const rel = vscode.workspace.asRelativePath(doc.uri, false).replace(/\\/g, '/');
  return map[rel] ?? map[doc.uri.fsPath] ?? map[`./${rel}`];
}

export function registerLayerFeatures(context: vscode.ExtensionContext, notifyServer?: SendNotification, providersAfter?: Promise<unknown>): void {
  const sizes = new SizeHistory(context);
  const pool = new LayerPool();
  context.subscriptions.push(sizes, { dispose: () => pool.dispose() });
  const provider = new LayerLensProvider(context, pool, sizes, notifyServer && new MeasuredSync(notifyServer));
  const selector: vscode.DocumentSelector = [
    { language: 'dockerfile', scheme: 'file' }, // built images belong to files on disk (and no "selector without scheme" warning)
    { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*}' },
  ];
  context.subscriptions.push(
    vscode.commands.registerCommand(BUILD_AND_MEASURE_COMMAND, (uri?: vscode.Uri) => buildAndMeasure(context, () => provider.refresh(), uri)),
    vscode.commands.registerCommand(REFRESH_LAYERS_COMMAND, () => provider.refresh()),
    vscode.commands.registerCommand(SHOW_LAYER_FILES_COMMAND, showLayerFiles),
    vscode.workspace.onDidSaveTextDocument(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('dockerfileSlim') && provider.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
  );
  registerWhenSettled(context, providersAfter, () => [
    vscode.languages.registerCodeLensProvider(selector, provider),
    vscode.languages.registerHoverProvider(selector, { provideHover: layerHover }),
  ]);
}
