// Where the language server runs: dist/server.js (through its code-cache loader dist/server-cached.js) in a worker thread of the extension host, speaking
// LSP over the worker's stdin/stdout (`--stdio`). A worker starts in about half the time a new Node process
// needs (measured 70-100 ms against 150-220 ms on the 2-core test machine; in code-server the server's code
// ran 130-170 ms after the client started instead of 240-310 ms). It still has its own event loop and heap, so
// linting never blocks the extension host. When the extension host runs under a debugger (or has no worker threads),
// the server runs as a child process instead, started by vscode-languageclient (its IPC transport).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StreamMessageReader, StreamMessageWriter, TransportKind, type MessageTransports, type ServerOptions } from 'vscode-languageclient/node';

/** The extension host was started with --inspect: keep a separate, debuggable server process. */
function debugging(): boolean {
  return process.execArgv.some((a) => /^--(inspect|inspect-brk|debug|debug-brk)(=|$)/.test(a));
}

export interface ServerRuntime {
  options: ServerOptions;
  /** Ends the current worker, if any (after the client stopped, or when the extension goes). */
  dispose(): void;
}

/**
 * `module` is dist/server.js; outside the debugger the server starts through dist/server-cached.js next to it
 * (the same server, from a V8 code cache). `log` receives the server's stderr (the client's output channel).
 */
export function serverRuntime(module: string, log: (text: string) => void): ServerRuntime {
  const processOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  if (debugging() || typeof Worker !== 'function') return { options: processOptions, dispose: () => undefined };
  const entry = path.join(path.dirname(module), 'server-cached.js');
  let worker: Worker | undefined;
  const end = (): void => {
    void worker?.terminate();
    worker = undefined;
  };
  const options = (): Promise<MessageTransports> => {
    end();
    const w = new Worker(entry, { argv: ['--stdio', `--clientProcessId=${process.pid}`], stdin: true, stdout: true, stderr: true });
    worker = w;
    w.stderr.on('data', (d: Buffer) => log(d.toString()));
    // A worker that fails (out of memory, an uncaught error) ends its stdout: the client sees the connection close.
    w.on('error', (e) => log(`dockerfile-slim: the language server stopped: ${e.message}\n`));
    return Promise.resolve({ reader: new StreamMessageReader(w.stdout), writer: new StreamMessageWriter(w.stdin as NodeJS.WritableStream) });
  };
  return { options, dispose: end };
}
