/**
 * Protocol faults against the bundled dist/server.js: change bursts, cancelled requests, a client
 * that disappears (stdin closed, parent killed), malformed JSON-RPC, changes for unopened
 * documents, and a document above the engine's size limit (server and CLI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from '../helpers/lsp-client.js';
import { splitLines } from '../helpers/engine-props.js';
import { repoRoot } from '../helpers/paths.js';

type Json = Record<string, unknown>;
type Publish = {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string }[];
};
const serverJs = path.join(repoRoot, 'dist', 'server.js');
const isDiags = (uri: string, version?: number) => (m: Json) =>
  m.method === 'textDocument/publishDiagnostics' && (m.params as Publish).uri === uri && (version === undefined || (m.params as Publish).version === version);

function open(c: LspClient, uri: string, text: string, version = 1): void {
  c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version, text } });
}

/** Waits for a process id to disappear (polling the real process table; bounded). */
async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('a burst of 200 changes to a large document: versions only move forward, diagnostics match their text', async () => {
  const c = new LspClient();
  const uri = 'file:///tmp/dfslim-faults/burst/Dockerfile';
  const texts = new Map<number, string>();
  const base = 'FROM ubuntu:22.04\n' + 'RUN apt-get update && apt-get install -y curl\n'.repeat(400);
  try {
    await c.initialize();
    texts.set(1, base);
    open(c, uri, base);
    for (let v = 2; v <= 200; v++) {
      const t = v % 2 ? base + `RUN apk add pkg${v}\n` : `FROM alpine\n${'#\n'.repeat(v)}RUN pip install x${v}\n`;
      texts.set(v, t);
      c.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: t }] });
      if (v % 50 === 0) {
        void c.request('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [] },
        });
      }
    }
    const last = await c.waitFor(isDiags(uri, 200), 30_000);
    assert.ok(
      (last.params as Publish).diagnostics.some((d) => d.code === 'DS006'),
      'the newest text (pip) is what was linted',
    );
    const published = c.notifications.filter(isDiags(uri)).map((m) => m.params as Publish);
    const versions = published.map((p) => p.version ?? 0);
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      versions,
      'never an older version after a newer one',
    );
    assert.equal(versions[versions.length - 1], 200, `the last publish is the newest text (${published.length} publishes for 200 changes)`);
    for (const p of published) {
      const lines = splitLines(texts.get(p.version ?? 0) ?? '');
      for (const d of p.diagnostics) assert.ok(d.range.end.line < lines.length, `v${p.version}: range inside its own text`);
    }
  } finally {
    await c.shutdown();
  }
});

test('$/cancelRequest for a code action: answered or cancelled, and the server keeps serving', async () => {
  const c = new LspClient();
  const uri = 'file:///tmp/dfslim-faults/cancel/Dockerfile';
  try {
    await c.initialize();
    open(c, uri, 'FROM alpine\n' + 'RUN apk add curl\n'.repeat(3000));
    const outcomes: string[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const id = (c as unknown as { nextId: number }).nextId;
      pending.push(
        c
          .request('textDocument/codeAction', {
            textDocument: { uri },
            range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
            context: { diagnostics: [] },
          })
          .then(
            () => void outcomes.push('answered'),
            (e: Error) => void outcomes.push(/-32800/.test(e.message) ? 'cancelled' : `error ${e.message}`),
          ),
      );
      c.notify('$/cancelRequest', { id });
    }
    c.notify('$/cancelRequest', { id: 999_999 }); // unknown id: ignored
    await Promise.all(pending);
    assert.deepEqual(
      outcomes.filter((o) => o !== 'answered' && o !== 'cancelled'),
      [],
    );
    const after = await c.request<{ kind: string }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(after[0]?.kind, 'source.fixAll.dockerfileSlim', 'a later request is answered normally');
  } finally {
    assert.equal(await c.shutdown(), 0);
  }
});

test('malformed JSON-RPC, unknown methods and a didChange for an unopened document do not take the server down', async () => {
  const c = new LspClient();
  try {
    await c.initialize();
    const junk = Buffer.from('{"jsonrpc":"2.0", this is not json');
    c.proc.stdin.write(`Content-Length: ${junk.length}\r\n\r\n`);
    c.proc.stdin.write(junk);
    c.send({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      params: { textDocument: { uri: 'file:///never/opened/Dockerfile', version: 7 }, contentChanges: [{ text: 'FROM x' }] },
    });
    c.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 42 } } });
    c.send({ jsonrpc: '2.0', method: 'textDocument/didClose', params: {} });
    await assert.rejects(c.request('no/suchMethod', {}), /-32601/);
    const uri = 'file:///tmp/dfslim-faults/after-junk/Dockerfile';
    open(c, uri, 'FROM alpine\nRUN apk add curl\n');
    const d = await c.waitFor(isDiags(uri, 1));
    assert.ok(
      (d.params as Publish).diagnostics.some((x) => x.code === 'DS005'),
      'still linting after the junk',
    );
    assert.equal(c.proc.exitCode, null);
  } finally {
    assert.equal(await c.shutdown(), 0);
  }
});

test('stdin closed mid-stream (while linting): the server exits by itself', async () => {
  const c = new LspClient();
  await c.initialize();
  open(c, 'file:///tmp/dfslim-faults/eof/Dockerfile', 'FROM alpine\nRUN apk add curl\n'.repeat(5000));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => c.proc.on('exit', (code, signal) => resolve({ code, signal })));
  c.proc.stdin.end();
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
  const r = await exited;
  clearTimeout(timer);
  assert.equal(r.signal, null, 'exited on its own, not killed');
});

test('the editor process is killed (SIGKILL): the orphaned server notices its parent is gone and exits', async () => {
  // A real parent process that starts the server, initializes it with its own pid, and keeps stdin open.
  const parentJs = `
    const { spawn } = require('child_process');
    const s = spawn(process.execPath, [${JSON.stringify(serverJs)}, '--stdio'], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    s.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
    console.log(s.pid);
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentJs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const serverPid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  assert.ok(serverPid > 0);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await gone(serverPid, 100), false, 'server running while the parent lives');
  parent.kill('SIGKILL');
  const exited = await gone(serverPid, 10_000);
  if (!exited) process.kill(serverPid, 'SIGKILL');
  assert.ok(exited, 'server exited within 10 s of its parent dying');
});

test('a document above MAX_TEXT_LENGTH via the protocol: one visible note and a clear log message; the CLI says so too', async () => {
  const c = new LspClient();
  const uri = 'file:///tmp/dfslim-faults/huge/Dockerfile';
  const huge = 'FROM alpine\n' + 'RUN apk add curl\n'.repeat(330_000); // ~5.6 MB
  try {
    await c.initialize();
    open(c, uri, huge);
    const d = await c.waitFor(isDiags(uri, 1), 30_000);
    const diags = (d.params as Publish).diagnostics as unknown as { message: string; severity: number }[];
    assert.equal(diags.length, 1, 'one visible note, no findings');
    assert.match(diags[0]?.message ?? '', /larger than 5 MB and is not analysed/);
    const log = await c.waitFor((m) => m.method === 'window/logMessage' && /larger than 5 MB; not analysed/.test(String((m.params as Json).message)), 5000);
    assert.ok(log);
    open(c, 'file:///tmp/dfslim-faults/small/Dockerfile', 'FROM alpine\nRUN apk add curl\n');
    await c.waitFor(isDiags('file:///tmp/dfslim-faults/small/Dockerfile', 1), 10_000);
  } finally {
    assert.equal(await c.shutdown(), 0);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-huge-'));
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, huge);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', file], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /too large \(5\.\d MB; the limit is 5 MB\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});
