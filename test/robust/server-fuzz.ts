/** Generated documents through the real server over stdio (registered by robustness.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LspClient } from '../helpers/lsp-client.js';
import { anyInput } from '../helpers/dockerfile-mutate.js';
import { splitLines } from '../helpers/engine-props.js';
import { record } from './tally.js';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Publish = { uri: string; version?: number; diagnostics: { range: Range; code?: string; message: string }[] };

function rangeProblem(text: string, r: Range): string | null {
  const lines = splitLines(text);
  for (const p of [r.start, r.end]) {
    if (p.line < 0 || p.line >= lines.length) return `line ${p.line} of ${lines.length}`;
    if (p.character < 0 || p.character > (lines[p.line] ?? '').length) {
      return `character ${p.character} on line ${p.line} (length ${(lines[p.line] ?? '').length})`;
    }
  }
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return 'start after end';
  return null;
}

export function serverFuzzTests(seeds: readonly string[], docs: number, seed: number): void {
  test(`server: ${docs} generated documents, each opened and changed; every published range is inside its version`, async () => {
    const texts = fc.sample(anyInput(seeds), { seed, numRuns: docs * 3 });
    const c = new LspClient();
    const versions = new Map<string, Map<number, string>>();
    const problems: string[] = [];
    try {
      await c.initialize();
      for (let d = 0; d < docs; d++) {
        const uri = `file:///tmp/dockerfile-slim-fuzz/${d}/Dockerfile`;
        const vs = new Map<number, string>();
        versions.set(uri, vs);
        vs.set(1, texts[d * 3] ?? '');
        c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: vs.get(1) } });
        for (const v of [2, 3]) {
          vs.set(v, texts[d * 3 + v - 1] ?? '');
          c.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: vs.get(v) }] });
        }
        if (d % 10 === 0) {
          const r = await c.request<unknown[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            context: { diagnostics: [] },
          });
          assert.ok(Array.isArray(r), 'code actions answered');
        }
      }
      for (const uri of versions.keys()) {
        await c.waitFor(
          (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as Publish).uri === uri && (m.params as Publish).version === 3,
          30_000,
        );
      }
      for (const m of c.notifications.filter((x) => x.method === 'textDocument/publishDiagnostics')) {
        const p = m.params as Publish;
        const text = p.version === undefined ? undefined : versions.get(p.uri)?.get(p.version);
        if (text === undefined) continue;
        const bad = p.diagnostics.map((x) => rangeProblem(text, x.range)).filter((x) => x !== null);
        if (bad.length) problems.push(`${p.uri} v${p.version}: ${bad.join('; ')}`);
      }
      for (const vs of versions.values()) for (let i = 0; i < vs.size; i++) record([]);
      assert.equal(c.proc.exitCode, null, 'server still running');
    } finally {
      assert.equal(await c.shutdown(), 0, 'server exits cleanly');
    }
    if (problems.length) record(problems);
    assert.deepEqual(problems, []);
  });
}
