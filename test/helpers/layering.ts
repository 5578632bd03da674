/**
 * The rooms of the code base and which way their imports may point, as a pure function over a list of files
 * and their imports (test/unit/layering.test.ts feeds it the real tree and planted wrong-way imports).
 *
 * - The engine: server/src/{kernel ← analysis ← conversion ← rules ← engine}; a folder imports only the
 *   folders below it and common/src's libraries; no rule imports another rule.
 * - server/src/runner (how lints run): the engine and common/src; no LSP, neither lsp/ nor cli/.
 * - server/src/lsp (the language-server adapter) and server/src/cli: the engine, runner/ and common/src;
 *   never each other.
 * - client/src: common/src, and from the server side only CLIENT_SERVER_IMPORTS.
 * - common/src: its libraries (image-layers, package-index, docker, …) import only each other; protocol.ts
 *   (the client/server wire contract) may import them; nothing in common/src imports server/ or client/.
 */
import * as path from 'node:path';

export interface Import {
  spec: string;
  typeOnly: boolean;
}
export interface SourceFile {
  /** Repository-relative, `/`-separated. */
  file: string;
  imports: Import[];
}

export const ENGINE = ['kernel', 'analysis', 'conversion', 'rules', 'engine'] as const;
type Room = (typeof ENGINE)[number] | 'runner' | 'lsp' | 'cli' | 'client' | 'common' | 'protocol' | 'other';

/**
 * Exactly the server files the extension (client/src) imports: the provisional diagnostics run the server's own
 * shaping so both show the same squiggles. `type` entries may only be imported with `import type`.
 */
export const CLIENT_SERVER_IMPORTS: Record<string, 'value' | 'type'> = {
  'server/src/lsp/diagnostics.ts': 'value',
  'server/src/lsp/settings.ts': 'value',
  'server/src/lsp/build-context.ts': 'value',
  'server/src/runner/costly-shape.ts': 'value',
  'server/src/kernel/types.ts': 'type',
};

const EDITOR = /^(vscode|vscode-languageclient(\/.*)?)$/;
const LSP = /^vscode-languageserver(-textdocument|-protocol|-types)?(\/.*)?$/;

export function roomOf(file: string): Room {
  const p = file.split('/');
  if (p[0] === 'server' && p[1] === 'src' && p.length > 3) {
    const top = p[2] ?? '';
    if ((ENGINE as readonly string[]).includes(top) || top === 'runner' || top === 'lsp' || top === 'cli') return top as Room;
  }
  if (p[0] === 'client' && p[1] === 'src') return 'client';
  if (p[0] === 'common' && p[1] === 'src') return p.length === 3 ? 'protocol' : 'common';
  return 'other';
}

/** `import`/`export … from` specifiers of a TypeScript source text. */
export function importsOf(text: string): Import[] {
  return [...text.matchAll(/^(import|export)(\s+type\b)?\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ spec: m[3]!, typeOnly: !!m[2] }));
}

/** The repository-relative .ts file a relative specifier names (`./x.js` → `dir/x.ts`); null for packages. */
export function resolve(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return path.posix.join(path.posix.dirname(file), spec).replace(/\.js$/, '.ts');
}

function allowed(room: Room, file: string, target: string, imp: Import): string | null {
  const to = roomOf(target);
  const rank = (r: Room): number => (ENGINE as readonly string[]).indexOf(r);
  if (rank(room) >= 0) {
    if (to === 'common') return null;
    if (rank(to) === -1) return `the engine (${room}) imports ${to === 'other' ? target : to}`;
    if (rank(to) > rank(room)) return `${room} imports ${to}, a layer above it`;
    if (room === 'rules' && to === 'rules' && !file.endsWith('/index.ts')) return 'a rule imports another rule file (shared analysis goes to analysis/)';
    return null;
  }
  switch (room) {
    case 'runner':
      return rank(to) >= 0 || to === 'runner' || to === 'common' ? null : `runner/ imports ${to}`;
    case 'lsp':
    case 'cli':
      if ((room === 'lsp' && to === 'cli') || (room === 'cli' && to === 'lsp')) return `${room}/ imports ${to}/ (the two adapters never import each other)`;
      return rank(to) >= 0 || to === room || to === 'runner' || to === 'common' || to === 'protocol' ? null : `${room}/ imports ${to}`;
    case 'client': {
      if (to === 'client' || to === 'common' || to === 'protocol') return null;
      const kind = CLIENT_SERVER_IMPORTS[target];
      if (!kind) return `client/ imports ${target}, not in CLIENT_SERVER_IMPORTS`;
      return kind === 'type' && !imp.typeOnly ? `client/ imports ${target} for more than its types` : null;
    }
    case 'common':
      return to === 'common' ? null : `a common/src library imports ${to === 'protocol' ? target + ' (the wire contract sits above the libraries)' : to}`;
    case 'protocol':
      return to === 'common' || to === 'protocol' ? null : `common/src/protocol imports ${to}`;
    default:
      return null;
  }
}

function packageProblem(room: Room, spec: string): string | null {
  if (room === 'other' || room === 'client') return null;
  if (EDITOR.test(spec)) return `${room} imports ${spec} (only client/ knows VS Code)`;
  if (LSP.test(spec) && room !== 'lsp') return `${room} imports ${spec} (only lsp/ speaks LSP)`;
  return null;
}

/** Every wrong-way import of `files`, as "file: spec: why". */
export function layeringProblems(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const { file, imports } of files) {
    const room = roomOf(file);
    for (const imp of imports) {
      const target = resolve(file, imp.spec);
      const why = target === null ? packageProblem(room, imp.spec) : allowed(room, file, target, imp);
      if (why) out.push(`${file}: ${imp.spec}: ${why}`);
    }
  }
  return out;
}
