/**
 * Squiggles before the language server is up. VS Code loads this bundle 0.1-0.4 s after a Dockerfile opens, but the
 * server (a worker thread loading its own bundle) publishes its first diagnostics 0.3-0.6 s after that. Meanwhile the
 * Dockerfiles open at start are linted here, in the extension host, with dist/engine.js (from a V8 code cache) and the
 * server's own shaping (provisional-lint.ts), into a collection of their own. When the server publishes for a
 * document, its diagnostics replace these in the same tick (the client's middleware calls `takeOver`), and this
 * document is never linted here again; once the server is up, newly opened documents are left to it.
 * Never a stale result: a change re-lints the document here until the server took it over. Never a blocked editor:
 * only documents of at most 32 KB and of no costly shape (costly-shape.ts), each lint one short task; a document
 * whose lint here once took over 250 ms is left to the server. These carry no `data` (only the language client's own
 * diagnostics send it back), so a quick fix may wait for the server's diagnostics, a fraction of a second later.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { loadWithCodeCache } from '../../common/src/platform/code-cache.js';
import { provisionalDiagnostics, type LintDetailed } from './provisional-lint.js';
import { DOCUMENT_SELECTOR } from './document-selector.js';
import { linkRuleDocs } from './rule-docs-link.js';

/** A provisional lint slower than this hands the document to the server (whose lints have a budget). */
const SLOW_MS = 250;

export interface Provisional {
  /** The server published for `uri`: its diagnostics replace ours, and this document is not linted here again. */
  takeOver(uri: vscode.Uri): void;
  /** The server is up: documents opened from now on are its alone. */
  serverReady(): void;
  dispose(): void;
  /** performance.now() when the first provisional diagnostics were set (the activation bench reads it). */
  readonly firstShownAt: number | undefined;
}

/** Whether the language client will sync `doc` (it matches documents to its selector the same way). */
function selected(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0;
}

function severity(lsp: number | undefined): vscode.DiagnosticSeverity {
  const S = vscode.DiagnosticSeverity;
  return lsp === 2 ? S.Warning : lsp === 3 ? S.Information : lsp === 4 ? S.Hint : S.Error;
}

function range(r: LspDiagnostic['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** As vscode-languageclient's protocol converter makes it (without `data`, which only code actions read). */
function asVscode(d: LspDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(range(d.range), d.message, severity(d.severity));
  if (typeof d.code === 'string' || typeof d.code === 'number') {
    out.code = d.codeDescription ? { value: d.code, target: vscode.Uri.parse(d.codeDescription.href) } : d.code;
    linkRuleDocs(out, vscode.Uri.parse);
  }
  if (d.source !== undefined) out.source = d.source;
  if (d.relatedInformation) {
    out.relatedInformation = d.relatedInformation.map(
      (i) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(i.location.uri), range(i.location.range)), i.message),
    );
  }
  return out;
}

class ProvisionalDiagnostics implements Provisional {
  // Its own name (VS Code's owner of the markers): the language client's collection is 'dockerfile-slim'.
  private readonly collection = vscode.languages.createDiagnosticCollection('dockerfile-slim-provisional');
  private readonly taken = new Set<string>();
  /** Documents whose diagnostics are ours now (possibly none). */
  private readonly mine = new Set<string>();
  private readonly pending = new Map<string, NodeJS.Immediate>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private accepting = true;
  private disposed = false;
  firstShownAt: number | undefined;

  constructor(private readonly lint: LintDetailed) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.accepting && this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.mine.has(e.document.uri.toString()) && this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.forget(d.uri);
        this.disposeWhenDone();
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.lintNow(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.disposed || this.taken.has(key) || !selected(doc)) return;
    const prev = this.pending.get(key);
    if (prev) clearImmediate(prev);
    // One lint per burst of changes, after the event, so a keystroke never waits for it.
    this.pending.set(
      key,
      setImmediate(() => {
        this.pending.delete(key);
        this.lintNow(doc);
      }),
    );
  }

  private lintNow(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.disposed || this.taken.has(key) || !selected(doc) || doc.isClosed) return;
    try {
      const started = performance.now();
      const diagnostics = provisionalDiagnostics(
        {
          uri: key,
          version: doc.version,
          text: doc.getText(),
          settings: vscode.workspace.getConfiguration(undefined, doc.uri).get('dockerfileSlim'),
          folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()),
        },
        this.lint,
      );
      // Too slow for this thread once: the server alone lints this document from now on (no stale squiggles meanwhile).
      if (performance.now() - started > SLOW_MS) this.taken.add(key);
      if (diagnostics === undefined || this.taken.has(key)) {
        this.forget(doc.uri);
        return;
      }
      this.collection.set(doc.uri, diagnostics.map(asVscode));
      this.mine.add(key);
      this.firstShownAt ??= performance.now();
    } catch {
      // Whatever went wrong here, the server lints this document too: show nothing rather than something wrong.
      this.forget(doc.uri);
    }
  }

  private forget(uri: vscode.Uri): void {
    if (this.disposed) return;
    const key = uri.toString();
    const p = this.pending.get(key);
    if (p) clearImmediate(p);
    this.pending.delete(key);
    this.mine.delete(key);
    this.collection.delete(uri);
  }

  takeOver(uri: vscode.Uri): void {
    this.taken.add(uri.toString());
    this.forget(uri);
    this.disposeWhenDone();
  }

  serverReady(): void {
    this.accepting = false;
    this.disposeWhenDone();
  }

  /** Nothing more to do once the server is up and has taken over every document linted here. */
  private disposeWhenDone(): void {
    if (!this.accepting && this.pending.size === 0 && this.mine.size === 0) this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.pending.values()) clearImmediate(p);
    this.pending.clear();
    this.mine.clear();
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}

/**
 * Lints the Dockerfiles open now (and those opened until the server is up). Undefined, never an exception, when
 * there is nothing to lint with: no real extension host (a stand-in `vscode`), or no dist/engine.js next to this bundle.
 */
export function startProvisional(): Provisional | undefined {
  try {
    if (!Array.isArray(vscode.workspace.textDocuments)) return undefined;
    const engine = loadWithCodeCache(path.join(__dirname, 'engine.js'), 'engine') as { lintDetailed?: LintDetailed };
    if (typeof engine.lintDetailed !== 'function') return undefined;
    return new ProvisionalDiagnostics(engine.lintDetailed);
  } catch {
    return undefined;
  }
}
