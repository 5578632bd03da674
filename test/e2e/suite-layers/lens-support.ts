// Helpers for the layer CodeLens suite: reading lenses (polled with a deadline, since they resolve as
// `docker history`/`docker save` finish in the background), running the real docker CLI from the test,
// and spying on notifications.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { fixtureUri } from '../support/vscode-helpers';

export const DOCKER = '/usr/bin/docker';
/** Upper bound for lenses to settle: image inspect + history + a streamed `docker save` of ~23 MB. */
export const LENS_WAIT_MS = 45_000;
const POLL_MS = 150;

export interface Lens {
  /** 1-based, like expectations.json and the extension's own line numbers. */
  line: number;
  title: string;
  command: string;
  tooltip: string;
  args: unknown[];
}

export interface ExpectedLens {
  line: number;
  title: string;
  command?: string;
  tooltipIncludes?: string;
  bytesFrom?: string;
}

export interface Expectations {
  image: string;
  lenses: ExpectedLens[];
  /** Lines with no lens: instructions that make no layer (CMD …), unless dockerfileSlim.layers.showEmptyLayers. */
  hiddenLines: number[];
  afterEdit: { lenses: ExpectedLens[] };
  imageMissing: { lenses: ExpectedLens[]; noErrorNotifications: boolean };
}

export function loadExpectations(): Expectations {
  return JSON.parse(fs.readFileSync(fixtureUri('expectations.json').fsPath, 'utf8')) as Expectations;
}

/** The lenses VS Code would render right now (the same call the editor makes). */
export async function readLenses(uri: vscode.Uri): Promise<Lens[]> {
  const got = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return got
    .map((l) => ({
      line: l.range.start.line + 1,
      title: l.command?.title ?? '',
      command: l.command?.command ?? '',
      tooltip: typeof l.command?.tooltip === 'string' ? l.command.tooltip : '',
      args: l.command?.arguments ?? [],
    }))
    .sort((a, b) => a.line - b.line);
}

export function describeLenses(lenses: readonly Lens[]): string {
  return lenses.length === 0 ? '(no lenses)' : lenses.map((l) => `  ${l.line}: ${l.title}${l.command ? ` [${l.command}]` : ''}`).join('\n');
}

/**
 * Re-reads the lenses until `accept` holds, failing after `timeoutMs` with the last lenses seen. A short
 * poll rather than an event: the provider's onDidChangeCodeLenses is not observable from the API.
 */
export async function waitForLenses(uri: vscode.Uri, accept: (lenses: Lens[]) => boolean, what: string, timeoutMs = LENS_WAIT_MS): Promise<Lens[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Lens[] = [];
  for (;;) {
    last = await readLenses(uri);
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last lenses:\n${describeLenses(last)}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** True when every expected lens is present (title regex on its line; no spinner anywhere). */
export function matchesAll(lenses: readonly Lens[], expected: readonly ExpectedLens[]): boolean {
  if (lenses.some((l) => l.title.includes('$(sync~spin)'))) return false;
  return expected.every((e) => lenses.some((l) => l.line === e.line && new RegExp(e.title).test(l.title)));
}

export function lensAt(lenses: readonly Lens[], line: number): Lens {
  const found = lenses.filter((l) => l.line === line);
  assert.equal(found.length, 1, `expected exactly one lens on line ${line}; got:\n${describeLenses(lenses)}`);
  return found[0] as Lens;
}

/** Runs the docker CLI (argument array, never a shell), bounded, and returns stdout. */
export function docker(args: readonly string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(DOCKER, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface HistoryRow {
  createdBy: string;
  bytes: number;
}

/** `docker history` of an image, oldest row first. */
export async function history(image: string): Promise<HistoryRow[]> {
  const out = await docker(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image]);
  const rows = out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { CreatedBy: string; Size: string });
  // The legacy builder records Build and Measure's `--label dockerfile-slim.source=…` as a trailing 0-byte LABEL row:
  // not an instruction of the Dockerfile (BuildKit records no row for it).
  const ours = (r: { CreatedBy: string; Size: string }): boolean => /#\(nop\)\s+LABEL dockerfile-slim\.source=/.test(r.CreatedBy) && Number(r.Size) === 0;
  return rows
    .filter((r) => !ours(r))
    .map((r) => ({ createdBy: r.CreatedBy, bytes: Number(r.Size) }))
    .reverse();
}

/**
 * Bytes per Dockerfile line from `docker history`, worked out here independently of the extension:
 * instruction rows are the last N rows (one per instruction after FROM, either builder), each must
 * mention its instruction's arguments; every row before them is the base image, summed on the FROM line.
 */
export function bytesPerLine(dockerfile: string, rows: readonly HistoryRow[]): Map<number, number> {
  const lines = dockerfile.split('\n').map((l) => l.trim());
  const fromLine = lines.findIndex((l) => /^FROM\s/i.test(l)) + 1;
  assert.ok(fromLine > 0, 'the fixture has a FROM line');
  const ins = lines.map((text, i) => ({ text, line: i + 1 })).filter((x) => x.line > fromLine && x.text !== '' && !x.text.startsWith('#'));
  assert.ok(rows.length > ins.length, `history has ${rows.length} rows for ${ins.length} instructions plus a base image`);
  const base = rows.slice(0, rows.length - ins.length);
  const own = rows.slice(rows.length - ins.length);
  const out = new Map<number, number>([[fromLine, base.reduce((s, r) => s + r.bytes, 0)]]);
  ins.forEach((x, k) => {
    const row = own[k];
    assert.ok(row);
    // The longest word of the instruction: distinctive, and kept by both builders (legacy COPY keeps only the destination).
    const words = x.text
      .replace(/^\S+\s+/, '')
      .split(/[\s"[\],]+/)
      .filter((w) => w.length > 2);
    const key = words.reduce((a, b) => (b.length > a.length ? b : a), '');
    assert.ok(row.createdBy.includes(key), `history row ${JSON.stringify(row.createdBy)} should be line ${x.line} (${x.text})`);
    out.set(x.line, row.bytes);
  });
  return out;
}

/** Bytes as the lenses print them (SI, like `docker images`), written out again so the test is independent. */
export function human(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 999_950) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 999_950_000) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** The `arguments` of a size lens: [line, createdBy[], LineWaste | undefined] (see client/src/layer-lens.ts). */
export interface LensWaste {
  line: number;
  bytes: number;
  wastedBytes: number;
  removedAt: Array<{ line: number | undefined; bytes: number }>;
  topFiles: Array<{ path: string; bytes: number }>;
}

export function wasteOf(lens: Lens): LensWaste | undefined {
  return lens.args[2] as LensWaste | undefined;
}

/** Records every notification shown through this extension's `vscode.window`, for "no popups" checks. */
export class NotificationSpy {
  readonly shown: Array<{ level: 'error' | 'warning' | 'info'; message: string }> = [];
  private readonly restore: Array<() => void> = [];

  install(): void {
    const w = vscode.window as unknown as Record<string, (...a: unknown[]) => unknown>;
    const levels = { showErrorMessage: 'error', showWarningMessage: 'warning', showInformationMessage: 'info' } as const;
    for (const [name, level] of Object.entries(levels)) {
      const original = w[name];
      assert.ok(original);
      w[name] = (...a: unknown[]): unknown => {
        this.shown.push({ level, message: String(a[0]) });
        return original.apply(vscode.window, a);
      };
      this.restore.push(() => (w[name] = original));
    }
  }

  dispose(): void {
    this.restore.splice(0).forEach((r) => r());
  }

  clear(): void {
    this.shown.length = 0;
  }
}
