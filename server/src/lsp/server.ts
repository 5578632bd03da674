/**
 * The language server: wiring only. Lints on open/change (stale results are never published
 * over newer text), pulls settings per resource, and answers code actions from the engine.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  type Hover,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND, type ClientAbilities, type Fixer } from './code-actions.js';
import { UNSAFE_QUICKFIX_KIND } from './action-helpers.js';
import { editorDiagnostics } from './diagnostics.js';
import { hoverAt } from './hover.js';
import { LintPool } from '../runner/lint-pool.js';
import { listenForMeasuredSizes, withMeasuredSavings } from './measured-savings.js';
import { defaults, normalise, type Settings } from './settings.js';
import type { DetailedFinding, LintOptions } from '../kernel/types.js';
import { MAX_TEXT_LENGTH } from '../engine/lint.js';
import { buildContextOf, dockerignoreExists } from './build-context.js';
import { forLint } from '../../../common/src/build-context/node-projects.js';
import type { ContextFacts } from '../../../common/src/build-context/types.js';
import { registerPackageFeatures, type PackageFeatures, type PackageKnowledge } from './package-features.js';
import { registerContextSizes, type ContextSizes } from './context-sizes.js';
import { registerWholeImage, type WholeImageFeature } from './whole-image.js';
import { BUILDER_NOTIFICATION, RELINT_NOTIFICATION, type BuilderParams } from '../../../common/src/protocol.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settingsCache = new Map<string, Promise<Settings>>();
const lastLint = new Map<string, { version: number; findings: DetailedFinding[] }>();
const linter = new LintPool();
const pending = new Map<string, NodeJS.Immediate>();
let pullConfig = false;
let workspaceFolders: string[] = [];
let packages: PackageKnowledge | undefined;
let packageFeatures: PackageFeatures | undefined;
let contextSizes: ContextSizes | undefined;
let whole: WholeImageFeature | undefined;
const abilities: ClientAbilities = {};

connection.onInitialize((params) => {
  pullConfig = !!params.capabilities.workspace?.configuration;
  abilities.annotations = !!params.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport;
  const init = (params.initializationOptions ?? {}) as { buildkit?: unknown; packageIndexDir?: string; packageIndexDirLater?: unknown };
  if (typeof init.buildkit === 'boolean') abilities.buildkit = init.buildkit;
  workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri).concat(params.rootUri ? [params.rootUri] : []);
  // packageIndexDirLater: the client sends the folder once it knows it (PACKAGE_INDEX_DIR_NOTIFICATION).
  const indexDir = typeof init.packageIndexDir === 'string' ? init.packageIndexDir : init.packageIndexDirLater === true ? null : undefined;
  packageFeatures = registerPackageFeatures(connection, documents, indexDir, () => documents.all().forEach(schedule));
  packages = packageFeatures.knowledge;
  contextSizes = registerContextSizes(connection, documents, contextRoot, (uri) => {
    const doc = documents.get(uri);
    if (doc) schedule(doc);
  });
  // npm estimates read the Node projects the context worker found.
  packages.nodeFor = (uri) => contextSizes?.nodeFor(uri);
  whole = registerWholeImage(connection, documents, packages, contextSizes);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, UNSAFE_QUICKFIX_KIND, FIX_ALL_KIND, OPTIMIZE_UNSAFE_KIND], resolveProvider: false },
    },
    serverInfo: { name: 'dockerfile-slim' },
  };
});

connection.onInitialized(() => {
  if (pullConfig) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
});

function settingsFor(uri: string): Promise<Settings> {
  if (!pullConfig) return Promise.resolve(defaults);
  let s = settingsCache.get(uri);
  if (!s) {
    s = connection.workspace.getConfiguration({ scopeUri: uri, section: 'dockerfileSlim' }).then(normalise, () => defaults);
    settingsCache.set(uri, s);
  }
  return s;
}

const refusedContexts = new Set<string>();

/** Warns once per refused build.context setting (such a folder is never touched). */
function warnRefused(context: string, reason: string): void {
  if (refusedContexts.has(context)) return;
  refusedContexts.add(context);
  connection.console.warn(`dockerfile-slim: build.context ${JSON.stringify(context)} ignored: ${reason}`);
}

/** The build context folder ('' when the setting leaves the workspace or names a UNC path). */
export function contextDir(uri: string, context: string): string {
  const r = buildContextOf(uri, context, workspaceFolders);
  if (r.ok) return r.dir;
  warnRefused(context, r.reason);
  return '';
}

/** The folder whose sizes COPY lenses and DS017 show ('' when sizes are off or the context is refused). */
async function contextRoot(uri: string): Promise<string> {
  const s = await settingsFor(uri);
  return s.enable && s.contextSizes && uri.startsWith('file:') ? contextDir(uri, s.buildContext) : '';
}

/** DS019's view of the Node projects: registry sizes from the npm cache (read, never fetched), no package list. */
const slimFacts = new WeakMap<ContextFacts, { version: number; facts: ContextFacts }>();
function lintFacts(measured: ContextFacts): ContextFacts {
  const version = packages?.version ?? 0;
  const hit = slimFacts.get(measured);
  if (hit && hit.version === version) return hit.facts;
  const facts = { ...measured, node: forLint(measured.node ?? [], (n, v) => packages?.npmSize(n, v)) };
  slimFacts.set(measured, { version, facts });
  return facts;
}

function optionsFor(uri: string, s: Settings): LintOptions {
  const measured = s.contextSizes ? contextSizes?.factsFor(uri) : undefined;
  const context = measured?.node ? lintFacts(measured) : measured;
  return {
    ...(context ? { context } : {}),
    rules: s.rules,
    dockerignoreExists: dockerignoreExists(uri, s.buildContext, workspaceFolders, (reason) => warnRefused(s.buildContext, reason)),
    packages,
  };
}

async function validate(doc: TextDocument): Promise<void> {
  const s = await settingsFor(doc.uri);
  const current = documents.get(doc.uri);
  // A newer version arrived while we waited for settings: its own validation will publish.
  if (!current || current.version !== doc.version) return;
  if (!s.enable) {
    lastLint.delete(doc.uri);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [] });
    return;
  }
  const text = doc.getText();
  if (text.length > MAX_TEXT_LENGTH) {
    // One visible note instead of silence: the user sees why there are no findings.
    const note = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 3 as const,
      source: 'dockerfile-slim',
      message: `Dockerfile Slim: this file is larger than ${MAX_TEXT_LENGTH / 1048576} MB and is not analysed.`,
    };
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [note] });
    connection.console.info(`dockerfile-slim: ${doc.uri} is larger than ${MAX_TEXT_LENGTH / 1048576} MB; not analysed`);
    return;
  }
  if (s.contextSizes && doc.uri.startsWith('file:')) contextSizes?.refresh(doc, contextDir(doc.uri, s.buildContext));
  const outcome = await linter.lint(doc.uri, doc.version, text, optionsFor(doc.uri, s));
  // Never publish a result for text that is no longer the document's.
  if (outcome.kind === 'stale' || documents.get(doc.uri)?.version !== doc.version) return;
  if (outcome.kind === 'too-expensive') {
    lastLint.delete(doc.uri);
    const message = `Dockerfile Slim: this file is too expensive to analyse (${outcome.reason}); no findings are shown.`;
    const note = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3 as const, source: 'dockerfile-slim', message };
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [note] });
    connection.console.warn(`dockerfile-slim: ${doc.uri}: ${message}`);
    return;
  }
  const findings = withMeasuredSavings(doc.uri, text, outcome.findings);
  lastLint.set(doc.uri, { version: doc.version, findings });
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: editorDiagnostics(doc, text, findings) });
}

/** Coalesces bursts of changes: only the newest text of a document is linted. */
function schedule(doc: TextDocument): void {
  const prev = pending.get(doc.uri);
  if (prev) clearImmediate(prev);
  pending.set(
    doc.uri,
    setImmediate(() => {
      pending.delete(doc.uri);
      const latest = documents.get(doc.uri);
      if (latest) validate(latest).catch((e: unknown) => connection.console.error(`dockerfile-slim: ${String(e)}`));
    }),
  );
}

documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  settingsCache.delete(e.document.uri);
  lastLint.delete(e.document.uri);
  linter.forget(e.document.uri);
  contextSizes?.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => {
  settingsCache.clear();
  for (const doc of documents.all()) schedule(doc);
});

/** The client found out whether its configured builder has BuildKit: BuildKit-only fixes are offered only if so. */
connection.onNotification(BUILDER_NOTIFICATION, (p: BuilderParams) => {
  abilities.buildkit = typeof p?.buildkit === 'boolean' ? p.buildkit : undefined;
});

/** A .dockerignore appeared or went (watched by the client), or a fix just created one: lint again at once. */
const relintAll = (): void => documents.all().forEach(schedule);
connection.onDidChangeWatchedFiles(relintAll);
connection.onNotification(RELINT_NOTIFICATION, relintAll);

connection.onCodeAction(async (params, token) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc || token.isCancellationRequested) return [];
  const s = await settingsFor(doc.uri);
  if (!s.enable || token.isCancellationRequested) return [];
  const options = optionsFor(doc.uri, s);
  const cached = lastLint.get(doc.uri);
  let findings = cached && cached.version === doc.version ? cached.findings : null;
  if (!findings) {
    // A big document still being linted in its worker: answer now with what needs no findings, rather than wait.
    const outcome = linter.budgeted(doc.uri, doc.getText()) ? null : await linter.lint(doc.uri, doc.version, doc.getText(), options);
    findings = outcome?.kind === 'done' ? withMeasuredSavings(doc.uri, doc.getText(), outcome.findings) : [];
  }
  if (token.isCancellationRequested || documents.get(doc.uri)?.version !== doc.version) return [];
  const fixer = await bigDocFixer(doc, params.context.only, options);
  return codeActions(doc, params, findings, options, doc.uri.startsWith('file:') ? contextDir(doc.uri, s.buildContext) : '', abilities, fixer);
});

/**
 * Big documents: whole-document fixes run in the document's worker, and only when a source action
 * asks for them (the "fix all" quick-fix entry, asked on every cursor move, is not offered there).
 */
async function bigDocFixer(doc: TextDocument, only: string[] | undefined, options: LintOptions): Promise<Fixer | undefined> {
  const text = doc.getText();
  if (!linter.budgeted(doc.uri, text)) return undefined;
  const wants = (kind: string): boolean => !!only?.some((o) => kind === o || kind.startsWith(`${o}.`));
  // One group of edits per fix, so Optimize's preview still lists one entry per fix (not one 2-MB edit).
  const safe = wants(FIX_ALL_KIND) ? await linter.groups(doc.uri, text, options) : null;
  const unsafe = only?.includes(OPTIMIZE_UNSAFE_KIND) ? await linter.groups(doc.uri, text, { ...options, unsafe: true }) : null;
  return (o) => (o.unsafe ? unsafe : safe);
}

listenForMeasuredSizes(connection, (uri) => {
  const doc = documents.get(uri);
  if (doc) schedule(doc);
});

// One hover handler: what a package costs (on a package name) and the finding under the cursor, together.
connection.onHover(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const cached = lastLint.get(doc.uri);
  const finding = cached && cached.version === doc.version ? hoverAt(doc, params.position, cached.findings) : null;
  const sizes = contextSizes?.hover(doc, params.position) ?? null; // before the wait below: the document may change meanwhile
  let image: Hover | null = null;
  try {
    image = whole?.hover(doc, params.position) ?? null;
  } catch (e) {
    connection.console.error(`dockerfile-slim: hover failed: ${String(e)}`);
  }
  let pkg: Hover | null = null;
  try {
    pkg = (await packageFeatures?.hover(doc, params.position.line, params.position.character)) ?? null;
  } catch (e) {
    connection.console.error(`dockerfile-slim: hover failed: ${String(e)}`);
  }
  // The finding first (its fix and docs link stay in view), then the estimate's one line of numbers, then context sizes.
  const parts = [finding, pkg, sizes, image].filter((h): h is Hover => h !== null);
  if (parts.length <= 1) return parts[0] ?? null;
  return { contents: { kind: 'markdown', value: parts.map(markdownOf).join('\n\n---\n\n') }, ...(pkg?.range ? { range: pkg.range } : {}) };
});

documents.listen(connection);
connection.listen();

function markdownOf(h: Hover): string {
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n\n');
  return c.value;
}
