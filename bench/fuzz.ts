/**
 * `npm run bench:fuzz`: the long robustness run, outside CI's time budget. FUZZ_RUNS inputs
 * (default 100,000; fixed seed) through the engine — lint, safe fix, unsafe fix for every fourth —
 * checking every property of test/helpers/engine-props.ts, then FUZZ_DOCS generated documents
 * through the real server (dist/server.js) over stdio. Prints `fuzz: N inputs, F failed` and the
 * first failures; writes out/bench/fuzz.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { anyInput } from '../test/helpers/dockerfile-mutate.js';
import { checkText } from '../test/helpers/engine-props.js';
import { LspClient } from '../test/helpers/lsp-client.js';
import { loadCorpus, repoRoot } from './workloads.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const DOCS = Number(process.env.FUZZ_DOCS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

async function main(): Promise<void> {
  const seeds = loadCorpus().map((f) => f.text);
  const failures: string[] = [];
  let tried = 0;
  const t0 = performance.now();
  const batch = 1000;
  for (let b = 0; b * batch < RUNS; b++) {
    for (const text of fc.sample(anyInput(seeds), { seed: SEED + b, numRuns: Math.min(batch, RUNS - b * batch) })) {
      const problems = checkText(text, { fix: true, unsafe: tried % 4 === 0 });
      tried++;
      if (problems.length && failures.length < 20) failures.push(`${problems[0]?.slice(0, 300)} — input ${JSON.stringify(text.slice(0, 200))}`);
      else if (problems.length) failures.push('');
    }
    if (b % 10 === 9) console.log(`  engine: ${tried} inputs, ${failures.length} failed, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const engineSeconds = (performance.now() - t0) / 1000;
  // The server: documents opened, replaced twice, closed; every publish must be for a version we sent.
  const t1 = performance.now();
  const c = new LspClient(path.join(repoRoot, 'dist', 'server.js'));
  let docs = 0;
  try {
    await c.initialize();
    const texts = fc.sample(anyInput(seeds), { seed: SEED - 1, numRuns: DOCS * 2 });
    for (let d = 0; d < DOCS; d++) {
      const uri = `file:///tmp/dfslim-fuzz/${d}/Dockerfile`;
      c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: texts[2 * d] ?? '' } });
      c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: texts[2 * d + 1] ?? '' }] });
      if (d % 50 === 0) {
        const r = await c.request<unknown>('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [], only: ['source.fixAll'] },
        });
        if (!Array.isArray(r)) failures.push(`server: code actions for ${uri} not an array`);
      }
      await c.waitFor(
        (m) =>
          m.method === 'textDocument/publishDiagnostics' &&
          (m.params as { uri: string; version?: number }).uri === uri &&
          (m.params as { version?: number }).version === 2,
        60_000,
      );
      c.notify('textDocument/didClose', { textDocument: { uri } });
      docs++;
      tried++;
    }
    if (c.proc.exitCode !== null) failures.push('server: exited during the run');
  } catch (e) {
    failures.push(`server: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await c.shutdown();
  }
  const serverSeconds = (performance.now() - t1) / 1000;
  const result = {
    seed: SEED,
    engineInputs: RUNS,
    serverDocs: docs,
    tried,
    failed: failures.length,
    engineSeconds,
    serverSeconds,
    failures: failures.filter(Boolean).slice(0, 20),
  };
  fs.mkdirSync(path.join(repoRoot, 'out', 'bench'), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, 'out', 'bench', 'fuzz.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(
    `fuzz: ${tried} inputs (${RUNS} engine in ${engineSeconds.toFixed(0)} s, ${docs} server documents in ${serverSeconds.toFixed(0)} s), ${failures.length} failed`,
  );
  for (const f of result.failures) console.log(`  ${f}`);
  process.exit(failures.length ? 1 : 0);
}

void main();
