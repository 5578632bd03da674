/**
 * Editor-side numbers: didChange → publishDiagnostics (that version) over stdio against
 * dist/server.js, for a 1k-line and the 20k-line stress file; the time to load dist/extension.js
 * (with a stand-in `vscode` module; activate() is measured in a real extension host by
 * bench/activation.ts); and the size of the packaged VSIX, if one exists.
 * Merges its numbers into out/bench/results.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../test/helpers/lsp-client.js';
import { loadCorpus, ms, repoRoot, stats, stressFile, table } from './workloads.js';
import { responsiveness } from './responsiveness.js';

type Json = Record<string, unknown>;

/** A build context with or without a .dockerignore (without one, DS012 looks at the whole file on every edit). */
function contextDir(withIgnore: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-bench-'));
  if (withIgnore) fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
  return dir;
}

async function didChangeLatency(lines: number, edits: number, withIgnore: boolean): Promise<{ p50: number; p95: number; first: number }> {
  const text = stressFile(loadCorpus(), lines);
  const dir = contextDir(withIgnore);
  const uri = pathToFileURL(path.join(dir, 'Dockerfile')).href;
  const c = new LspClient(path.join(repoRoot, 'dist', 'server.js'));
  try {
    await c.initialize();
    const isFor =
      (v: number) =>
      (m: Json): boolean =>
        m.method === 'textDocument/publishDiagnostics' && (m.params as Json).uri === uri && (m.params as Json).version === v;
    let t0 = performance.now();
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    await c.waitFor(isFor(1), 60000);
    const first = performance.now() - t0;
    const runLines = text.split('\n').flatMap((l, i) => (/^RUN /.test(l) ? [i] : []));
    const samples: number[] = [];
    for (let k = 0; k < edits; k++) {
      const v = k + 2;
      const line = runLines[(k * 7919) % runLines.length] ?? 0;
      // One keystroke: a character typed at the start of a RUN's arguments.
      const change = { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: k % 2 === 0 ? 'x' : ' ' };
      t0 = performance.now();
      c.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
      await c.waitFor(isFor(v), 30000);
      samples.push(performance.now() - t0);
    }
    return { ...stats(samples), first };
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads dist/extension.js (the entry) and dist/client.js (which the entry loads on the next timer) with a stand-in
 * `vscode` (which makes them skip the provisional lint and the early client start).
 */
function bundleLoad(): { entry: number; client: number } {
  const stub: unknown = new Proxy(function vscodeStub() {}, {
    get: (_t, p) => (p === 'then' ? undefined : stub),
    apply: () => stub,
    construct: () => stub as object,
  });
  const anyModule = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const orig = anyModule._load;
  anyModule._load = (req: string, ...rest: unknown[]): unknown => (req === 'vscode' ? stub : orig(req, ...rest));
  try {
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(repoRoot, 'dist', 'extension.js'));
    const t1 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(repoRoot, 'dist', 'client.js'));
    return { entry: t1 - t0, client: performance.now() - t1 };
  } finally {
    anyModule._load = orig;
  }
}

function vsixSize(): { file: string; bytes: number } | null {
  const vsix = fs.readdirSync(repoRoot).filter((f) => f.endsWith('.vsix'));
  const newest = vsix.map((f) => ({ file: f, st: fs.statSync(path.join(repoRoot, f)) })).sort((a, b) => b.st.mtimeMs - a.st.mtimeMs)[0];
  return newest ? { file: newest.file, bytes: newest.st.size } : null;
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const d: Record<string, { p50: number; p95: number; first: number }> = {};
  for (const [lines, edits] of [
    [1000, 60],
    [20000, 30],
  ] as const) {
    for (const withIgnore of [true, false]) {
      const r = await didChangeLatency(lines, edits, withIgnore);
      d[`${lines / 1000}k${withIgnore ? '' : '-no-dockerignore'}`] = r;
      rows.push([`${lines / 1000}k lines`, withIgnore ? 'yes' : 'no (DS012 on)', ms(r.first), ms(r.p50), ms(r.p95)]);
    }
  }
  const d1 = d['1k'] as { p95: number };
  console.log('didChange (one typed character) → publishDiagnostics of that version, over stdio against dist/server.js:\n');
  console.log(`${table(['file', '.dockerignore', 'didOpen → diagnostics ms', 'edit p50 ms', 'edit p95 ms'], rows)}\n`);
  const resp = await responsiveness(Number(process.env.BENCH_RESP_ROUNDS ?? 5));
  const a = bundleLoad();
  console.log(
    `Extension: loading dist/extension.js ${ms(a.entry)} ms, then dist/client.js ${ms(a.client)} ms (activation in a real extension host: bench/activation.ts).`,
  );
  const v = vsixSize();
  console.log(
    v
      ? `VSIX ${v.file}: ${(v.bytes / 1024 / 1024).toFixed(2)} MB (target < 2 MB: ${v.bytes < 2 * 1024 * 1024 ? 'met' : 'MISSED'})`
      : 'VSIX: none found (run `npm run package` first)',
  );
  console.log(`Summary: didChange → diagnostics on 1k lines p95 ${ms(d1.p95)} ms (target < 20 ms: ${d1.p95 < 20 ? 'met' : 'MISSED'})`);
  const resultsFile = path.join(repoRoot, 'out', 'bench', 'results.json');
  const results = (fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {}) as Json;
  results.protocol = { didChange: d, bundleLoad: a, vsix: v, responsiveness: resp };
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
  process.exit(0); // the responsiveness round's server may keep handles open
}

void main();
