/** The CLI's per-file time budget (server/src/cli/budget.ts), through the bundled dist/cli.js: big files in a worker, never a hang. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { cliBudget } from '../../server/src/cli/budget.js';
import { lintDetailed } from '../../server/src/engine/lint.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  // The timeout bounds the test: a hang fails it instead of blocking the suite.
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Over the worker threshold (64 KiB), so linted in a worker, yet cheap to lint (mostly comments). */
function bigDockerfile(): string {
  const lines = ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y curl'];
  for (let i = 0; lines.join('\n').length < 80 * 1024; i++) lines.push(`# padding line ${i}: makes the file big, not expensive to lint`);
  lines.push('RUN apk add curl');
  return `${lines.join('\n')}\n`;
}

function files(): { dir: string; big: string; small: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-budget-'));
  const big = path.join(dir, 'big.Dockerfile');
  const small = path.join(dir, 'small.Dockerfile');
  fs.writeFileSync(big, bigDockerfile());
  fs.writeFileSync(small, 'FROM alpine:3.20\nRUN apk add curl\n');
  return { dir, big, small };
}

test('lint: a file over a tiny time budget gets one "too expensive" message and exit 2; the other file is still linted', () => {
  const { dir, big, small } = files();
  try {
    const r = run(['lint', big, small], { DOCKERFILE_SLIM_TIME_BUDGET_MS: '1' });
    assert.equal(r.status, 2, r.stderr);
    const notices = r.stderr.split('\n').filter((l) => l.includes('too expensive'));
    assert.deepEqual(notices, [`dockerfile-slim: ${big}: too expensive to analyse (more than 0.001 s); skipped`]);
    assert.match(r.stdout, new RegExp(`${small.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:5: warning DS005`));
    assert.doesNotMatch(r.stdout, /big\.Dockerfile:/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fix: a file over a tiny time budget is left unchanged with the notice and exit 2; the other file is fixed', () => {
  const { dir, big, small } = files();
  try {
    const before = fs.readFileSync(big, 'utf8');
    const r = run(['fix', big, small], { DOCKERFILE_SLIM_TIME_BUDGET_MS: '1' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /big\.Dockerfile: too expensive to analyse \(more than 0\.001 s\); skipped/);
    assert.equal(fs.readFileSync(big, 'utf8'), before);
    assert.match(fs.readFileSync(small, 'utf8'), /apk add --no-cache curl/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('within the default budget a big file is linted in the worker with the same findings as in-process', () => {
  const { dir, big } = files();
  try {
    const r = run(['lint', '--format', 'json', big]);
    assert.equal(r.status, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as { file: string; rule: string; line: number; column: number }[];
    assert.ok(rows.length > 0);
    assert.ok(rows.every((x) => x.file === big));
    const inProcess = lintDetailed(fs.readFileSync(big, 'utf8'), { dockerignoreExists: false });
    assert.deepEqual(
      rows.map((x) => `${x.rule}:${x.line}:${x.column}`),
      inProcess.map((f) => `${f.rule}:${f.line}:${f.column}`),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('budget overrides from the environment; nonsense falls back to the defaults', () => {
  assert.deepEqual(cliBudget({ DOCKERFILE_SLIM_TIME_BUDGET_MS: '50', DOCKERFILE_SLIM_HEAP_BUDGET_MB: '256' }), { timeMs: 50, heapMb: 256 });
  assert.deepEqual(cliBudget({ DOCKERFILE_SLIM_TIME_BUDGET_MS: 'soon', DOCKERFILE_SLIM_HEAP_BUDGET_MB: '-1' }), { timeMs: 20_000, heapMb: 1024 });
});
