/**
 * Issue 27 in the language server and the V8 code cache. Reproduction 1 ("the server delayed another document's
 * diagnostics by 34 s"): with the 694-byte doubling-ENV file (and one more line, which made the CLI exit 2) open,
 * another document's diagnostics arrive at once and the hostile file's arrive too. Reproduction 12 (second half: "the
 * V8 code cache is written through a predictable temporary name"): a symbolic link planted at the cache's own name is
 * replaced, never written through, and the cache file is the user's alone (0600).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from '../helpers/lsp-client.js';
import { repoRoot } from '../helpers/paths.js';

/** The 694-byte file: 28 lines that double one value (as in hostile-bounds.test.ts). */
const DOUBLING = 'ENV En=${En-1}${En-1}\n'.repeat(28);

type Json = { method?: string; params?: { uri?: string; diagnostics?: unknown[] } };

test("reproduction 1 in the server: the doubling-ENV file (29 lines) does not hold back another document's diagnostics", async () => {
  const c = new LspClient();
  try {
    await c.initialize(false);
    const diagnosticsOf = (uri: string) => (m: Json) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri;
    const t0 = performance.now();
    c.notify('textDocument/didOpen', {
      textDocument: {
        uri: 'file:///h/Dockerfile',
        languageId: 'dockerfile',
        version: 1,
        text: `FROM debian\nENV En=1\n${DOUBLING}ENV En=\${En-1}\${En-1}\nRUN echo $En\n`,
      },
    });
    c.notify('textDocument/didOpen', {
      textDocument: {
        uri: 'file:///ok/Dockerfile',
        languageId: 'dockerfile',
        version: 1,
        text: 'FROM debian\nRUN apt-get update && apt-get install -y curl\n',
      },
    });
    const other = (await c.waitFor(diagnosticsOf('file:///ok/Dockerfile'), 10_000)) as Json;
    const otherMs = performance.now() - t0;
    assert.ok((other.params?.diagnostics?.length ?? 0) > 0, 'the other document has its findings');
    assert.ok(otherMs < 5000, `the other document's diagnostics took ${otherMs.toFixed(0)} ms (34 s before)`);
    await c.waitFor(diagnosticsOf('file:///h/Dockerfile'), 20_000);
  } finally {
    await c.shutdown();
  }
});

test('reproduction 12: the V8 code cache never writes through a planted symbolic link, and is mode 0600', { skip: process.platform === 'win32' }, () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-v8cache-'));
  try {
    const bundle = path.join(home, 'bundle.js');
    fs.writeFileSync(bundle, 'module.exports = { answer: 42 };\n');
    const cacheDir = path.join(home, 'dockerfile-slim', 'code-cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    const key = createHash('sha256').update(process.version).update(process.arch).update(fs.readFileSync(bundle, 'utf8')).digest('hex').slice(0, 20);
    const file = path.join(cacheDir, `probe-${key}.v8`);
    const victim = path.join(home, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch\n');
    fs.symlinkSync(victim, file); // the cache's own name, planted as a link (the old temporary name was as guessable)
    const loader = path.join(repoRoot, 'out', 'common', 'src', 'platform', 'code-cache.js');
    const script = `const m = require(${JSON.stringify(loader)}).loadWithCodeCache(${JSON.stringify(bundle)}, 'probe'); if (m.answer !== 42) process.exit(3); setTimeout(() => {}, 2500);`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, XDG_CACHE_HOME: home }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'do not touch\n', 'nothing written through the link');
    const st = fs.lstatSync(file);
    assert.ok(st.isFile(), 'the link was replaced by the cache file');
    assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
