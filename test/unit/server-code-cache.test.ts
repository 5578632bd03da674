/**
 * dist/server-cached.js (the editor's entry of the language server): the same server, started from a V8 code cache
 * that the first start writes into the user cache folder; an unusable cache never stops the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const TEXT = 'FROM alpine:3.19\nRUN apk add curl\n';

/**
 * Starts the server through the loader over stdio, lints TEXT, returns the diagnostics' rule ids. The server is
 * kept running `keep` ms after its diagnostics, or until `keep()` holds (the cache is written about 1.5 s after
 * the start; on a loaded machine the write itself can take a while, so tests that expect one wait for it).
 */
async function lintOnce(cacheHome: string, keep: number | (() => boolean) = 0): Promise<string[]> {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'dist', 'server-cached.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, HOME: cacheHome, LOCALAPPDATA: cacheHome },
  });
  let buf = Buffer.alloc(0);
  const send = (m: object): void => {
    const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }));
    proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`);
    proc.stdin.write(b);
  };
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics in 20 s')), 20_000);
      proc.on('exit', (code) => reject(new Error(`server exited (${code})`)));
      proc.stdout.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const sep = buf.indexOf('\r\n\r\n');
          if (sep < 0) return;
          const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())?.[1] ?? 0);
          if (buf.length < sep + 4 + len) return;
          const m = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString()) as {
            id?: number;
            method?: string;
            params?: { diagnostics?: Array<{ code?: string | { value?: string } }> };
          };
          buf = buf.subarray(sep + 4 + len);
          if (m.id === 1 && !m.method) {
            send({ method: 'initialized', params: {} });
            send({
              method: 'textDocument/didOpen',
              params: { textDocument: { uri: 'file:///tmp/dsl-cc/Dockerfile', languageId: 'dockerfile', version: 1, text: TEXT } },
            });
          } else if (m.method === 'textDocument/publishDiagnostics') {
            clearTimeout(timer);
            resolve((m.params?.diagnostics ?? []).map((x) => String(typeof x.code === 'object' ? x.code.value : x.code)).sort());
          } else if (m.id !== undefined && m.method) {
            send({ id: m.id, result: null });
          }
        }
      });
      send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    });
  } finally {
    if (typeof keep === 'number') await new Promise((r) => setTimeout(r, keep));
    else for (const until = Date.now() + 20_000; !keep() && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    proc.kill();
  }
}

function cacheFiles(home: string): string[] {
  const dir = path.join(home, 'dockerfile-slim', 'code-cache');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
}

test('the server through its code-cache loader: same diagnostics without, with, and with a corrupt cache; the cache is written once', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-code-cache-'));
  try {
    const first = await lintOnce(home, () => cacheFiles(home).some((f) => f.endsWith('.v8')));
    assert.ok(first.includes('DS005'), `diagnostics: ${first.join(', ')}`);
    const files = cacheFiles(home);
    assert.equal(files.length, 1, 'the first start writes one cache file (1.5 s after starting)');
    assert.match(path.basename(files[0] ?? ''), /^server-[0-9a-f]{20}\.v8$/);
    const written = fs.statSync(files[0] ?? '').mtimeMs;
    assert.deepEqual(await lintOnce(home, 1700), first, 'from the cache: the same findings');
    assert.equal(fs.statSync(files[0] ?? '').mtimeMs, written, 'a cache V8 accepted is not written again');
    fs.writeFileSync(files[0] ?? '', 'not a code cache');
    const replaced = (): boolean => fs.statSync(files[0] ?? '').size > 10_000;
    assert.deepEqual(await lintOnce(home, replaced), first, 'a corrupt cache: compiled as usual');
    assert.ok(fs.statSync(files[0] ?? '').size > 10_000, 'and replaced by a good one');
    assert.deepEqual(cacheFiles(home).length, 1, 'no temporary files left');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
