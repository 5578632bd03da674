/**
 * Build-context sizes in the editor: what each COPY/ADD sends (the client's lens asks with CONTEXT_SIZES_REQUEST),
 * a hover with the biggest paths, and the facts DS012/DS017 read (`LintOptions.context`). The walk runs in the
 * context worker (runner/context-pool.ts); lints use the last known facts and run again when they change, so no
 * keystroke waits for a walk. File-system changes (the client's watcher) invalidate the worker's folder cache.
 */
import { fileURLToPath } from 'node:url';
import type { Connection, Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { contextCopies } from '../analysis/context-copies.js';
import { factsOf, type ContextFacts, type ContextSummary, type NodeProject } from '../../../common/src/build-context/index.js';
import { ContextPool } from '../runner/context-pool.js';
import { markdownText } from '../../../common/src/text/sanitize.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import { CONTEXT_CHANGED_NOTIFICATION, CONTEXT_SIZES_REQUEST, type ContextSizesResult } from '../../../common/src/protocol.js';

interface State {
  key: string;
  summary?: ContextSummary;
  facts?: ContextFacts;
  running?: Promise<ContextSummary | undefined>;
}

export interface ContextSizes {
  /** The last measured facts of a document's context (undefined: none yet, or sizes are off). */
  factsFor(uri: string): ContextFacts | undefined;
  /** The context folder and the Node projects its COPY lines bring in (npm estimates), from the last measurement. */
  nodeFor(uri: string): { root: string; projects: NodeProject[] } | undefined;
  /** Measure again in the background when the text's COPY lines or the context changed; relints when facts change. */
  refresh(doc: TextDocument, root: string): void;
  hover(doc: TextDocument, pos: Position): Hover | null;
  /** The document's context summary, measured now when needed (undefined: sizes are off or the context is refused). */
  summary(doc: TextDocument): Promise<ContextSummary | undefined>;
  /** The last summary measured, without waiting (hovers). */
  lastSummary(uri: string): ContextSummary | undefined;
  forget(uri: string): void;
}

const HOVER_ROWS = 10;

export function registerContextSizes(
  connection: Connection,
  documents: { get(uri: string): TextDocument | undefined },
  rootFor: (uri: string) => Promise<string>,
  relint: (uri: string) => void,
): ContextSizes {
  const pool = new ContextPool();
  const states = new Map<string, State>();

  /** `force`: the context changed on disk; otherwise an unchanged key reuses the last (or running) measurement. */
  function measure(doc: TextDocument, root: string, force = false): Promise<ContextSummary | undefined> {
    if (!root || !doc.uri.startsWith('file:')) return Promise.resolve(undefined);
    const copies = contextCopies(doc.getText());
    const key = JSON.stringify([root, copies]);
    let st = states.get(doc.uri);
    if (st?.running && st.key === key) return st.running;
    if (!force && st?.key === key && st.summary) return Promise.resolve(st.summary);
    const prevFacts = JSON.stringify(st?.facts ?? null);
    st = { ...(st ?? {}), key };
    states.set(doc.uri, st);
    const mine = st;
    const running = pool.measure(root, fileURLToPath(doc.uri), copies).then((summary) => {
      if (states.get(doc.uri) !== mine) return summary;
      mine.running = undefined;
      mine.summary = summary;
      mine.facts = summary ? factsOf(summary) : undefined;
      if (JSON.stringify(mine.facts ?? null) !== prevFacts) relint(doc.uri);
      return summary;
    });
    st.running = running;
    return running;
  }

  connection.onRequest(CONTEXT_SIZES_REQUEST, async (p: { uri: string }): Promise<ContextSizesResult | null> => {
    const doc = documents.get(p.uri);
    if (!doc) return null;
    const summary = await measure(doc, await rootFor(doc.uri));
    // The lockfiles stay in the server (the client's lens needs only sizes).
    if (!summary) return null;
    const { node: _node, ...sizes } = summary;
    return sizes;
  });

  let pendingPaths: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  connection.onNotification(CONTEXT_CHANGED_NOTIFICATION, (p: { paths?: unknown }) => {
    const paths = Array.isArray(p?.paths) ? p.paths.filter((x): x is string => typeof x === 'string').slice(0, 5000) : [];
    pendingPaths.push(...paths);
    if (timer) clearTimeout(timer);
    // Bursts (a checkout, an install) settle before anything is walked again.
    timer = setTimeout(() => {
      pool.changed(pendingPaths);
      pendingPaths = [];
      for (const uri of [...states.keys()]) {
        const doc = documents.get(uri);
        if (doc) void rootFor(uri).then((root) => measure(doc, root, true));
        else states.delete(uri);
      }
    }, 400);
  });

  return {
    factsFor: (uri) => states.get(uri)?.facts,
    nodeFor(uri) {
      const summary = states.get(uri)?.summary;
      return summary?.node ? { root: summary.root, projects: summary.node } : undefined;
    },
    refresh(doc, root) {
      void measure(doc, root);
    },
    hover(doc, pos) {
      const summary = states.get(doc.uri)?.summary;
      const copy = summary?.copies.find((c) => c.line === pos.line + 1);
      if (!summary || !copy || copy.files === 0) return null;
      return { contents: { kind: 'markdown', value: contextHoverMarkdown(summary, copy) } };
    },
    summary: async (doc) => measure(doc, await rootFor(doc.uri)),
    lastSummary: (uri) => states.get(uri)?.summary,
    forget(uri) {
      states.delete(uri);
    },
  };
}

/** The hover of a COPY/ADD line: its size, where it comes from, and its biggest paths (every path escaped). */
export function contextHoverMarkdown(summary: ContextSummary, copy: ContextSummary['copies'][number]): string {
  const or = summary.complete ? '' : ' or more';
  const lines = [
    `**≈ ${formatBytes(copy.bytes)}${or} from the build context** · ${copy.files.toLocaleString('en-US')} files${summary.ignoreFile ? ` · after ${markdownText(summary.ignoreFile)}` : ' · no .dockerignore'}`,
    '',
    '| Path | Size |',
    '|---|---:|',
    ...copy.top.slice(0, HOVER_ROWS).map((t) => `| ${markdownText(t.path)} | ${formatBytes(t.bytes)} |`),
  ];
  if (copy.leaks.length) {
    lines.push('', `Rarely needed in an image: ${copy.leaks.map((l) => `${markdownText(l.path)} (${formatBytes(l.bytes)})`).join(', ')}`);
  }
  if (copy.unknown.length) lines.push('', `Not counted (a variable): ${copy.unknown.map(markdownText).join(', ')}`);
  if (!summary.complete && summary.reason) lines.push('', `The walk stopped early: ${markdownText(summary.reason)}.`);
  return lines.join('\n');
}
