/** A minimal LSP client over stdio for protocol-level tests of dist/server.js. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './paths.js';

type Json = Record<string, unknown>;

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiters = new Map<number, (msg: Json) => void>();
  readonly notifications: Json[] = [];
  private readonly listeners: ((msg: Json) => void)[] = [];
  /** Answers to the server's workspace/configuration requests. */
  configuration: unknown = {};

  constructor(serverJs = path.join(repoRoot, 'dist', 'server.js')) {
    this.proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: 'pipe' });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())?.[1] ?? 0);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8')) as Json;
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: Json): void {
    if (typeof msg.id === 'number' && msg.method === undefined) {
      this.waiters.get(msg.id)?.(msg);
      this.waiters.delete(msg.id);
      return;
    }
    if (msg.method === 'workspace/configuration') {
      const items = ((msg.params as Json).items as unknown[]) ?? [];
      this.send({ jsonrpc: '2.0', id: msg.id, result: items.map(() => this.configuration) });
      return;
    }
    if (msg.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: msg.id, result: null }); // client/registerCapability etc.
      return;
    }
    this.notifications.push(msg);
    for (const l of this.listeners) l(msg);
  }

  send(msg: Json): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 10000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) reject(new Error(JSON.stringify(msg.error)));
        else resolve(msg.result as T);
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Waits for a notification matching the predicate (bounded; never a fixed sleep). */
  waitFor(pred: (msg: Json) => boolean, timeoutMs = 30000): Promise<Json> {
    const seen = this.notifications.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('notification not received in time')), timeoutMs);
      const l = (msg: Json): void => {
        if (!pred(msg)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(l), 1);
        resolve(msg);
      };
      this.listeners.push(l);
    });
  }

  /** `extra`: more `initialize` params (workspaceFolders, initializationOptions). */
  async initialize(withConfiguration = true, extra: Json = {}): Promise<void> {
    await this.request('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: withConfiguration } }, ...extra });
    this.notify('initialized', {});
  }

  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null).catch(() => undefined);
    this.notify('exit', null);
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve(this.proc.exitCode);
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve(null);
      }, 5000);
      this.proc.on('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }
}
