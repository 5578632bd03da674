/**
 * The diagnostics the language server will publish for a document, computed in the extension host with the same
 * engine and the same shaping (no VS Code API here, so a test can hold it against the real server). Used only
 * until the server's own diagnostics for the document arrive (provisional.ts).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver/node';
import { editorDiagnostics } from '../../server/src/lsp/diagnostics.js';
import { dockerignoreExists } from '../../server/src/lsp/build-context.js';
import { normalise } from '../../server/src/lsp/settings.js';
import type { DetailedFinding, LintOptions } from '../../server/src/kernel/types.js';
import { costlyShape } from '../../server/src/runner/costly-shape.js';

/** dist/engine.js's lintDetailed. */
export type LintDetailed = (text: string, options?: LintOptions) => DetailedFinding[];

/**
 * Above this many characters (about 800 lines) nothing is linted in the extension host: a cold first lint must
 * stay within tens of milliseconds there. The server's own threshold for a worker is 64 KB.
 */
export const PROVISIONAL_MAX_CHARS = 32 * 1024;

export interface ProvisionalInput {
  uri: string;
  version: number;
  text: string;
  /** `workspace.getConfiguration(undefined, uri).get('dockerfileSlim')`, as the server pulls it. */
  settings: unknown;
  /** The workspace folders' URIs (as the client's `initialize` sends them). */
  folders: readonly string[];
}

/**
 * What the server would publish for this text with no package index loaded and nothing measured; undefined: too big
 * to lint here, or a shape whose cost is not bounded by its length (costly-shape.ts), which the server lints under
 * its budget instead (issue 27: a 694-byte file of doubling ENV values froze every extension for 21-27 s).
 */
export function provisionalDiagnostics(input: ProvisionalInput, lintDetailed: LintDetailed): Diagnostic[] | undefined {
  if (input.text.length > PROVISIONAL_MAX_CHARS || costlyShape(input.text)) return undefined;
  const s = normalise(input.settings);
  if (!s.enable) return [];
  const findings = lintDetailed(input.text, { rules: s.rules, dockerignoreExists: dockerignoreExists(input.uri, s.buildContext, input.folders) });
  const doc = TextDocument.create(input.uri, 'dockerfile', input.version, input.text);
  return editorDiagnostics(doc, input.text, findings);
}
