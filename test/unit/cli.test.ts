/** The CLI contract (docs/contract.md), through the bundled dist/cli.js in a child process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-cli-'));
}

const BAD = 'FROM alpine:3.20\nRUN apk add curl\n';
const CLEAN = 'FROM alpine:3.20\nRUN apk add --no-cache curl\n';

test('lint: exit 1 with findings, 0 when clean; json is an array of findings with file and rule', () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
  fs.writeFileSync(path.join(dir, 'clean.Dockerfile'), CLEAN);
  const r = run(['lint', '--format', 'json', path.join(dir, 'Dockerfile')]);
  assert.equal(r.status, 1);
  const rows = JSON.parse(r.stdout) as { file: string; rule: string; line: number; column: number; severity: string; fix?: { title: string; safe: boolean } }[];
  const ds005 = rows.find((x) => x.rule === 'DS005');
  assert.ok(ds005);
  assert.equal(ds005.file, path.join(dir, 'Dockerfile'));
  assert.equal(ds005.line, 2);
  assert.equal(ds005.column, 5);
  assert.deepEqual(ds005.fix, { title: 'Add `--no-cache`', safe: true });
  const clean = run(['lint', '--format', 'json', path.join(dir, 'clean.Dockerfile')]);
  assert.equal(clean.status, 0, clean.stderr);
  assert.deepEqual(JSON.parse(clean.stdout), []);
  const cleanText = run(['lint', path.join(dir, 'clean.Dockerfile')]);
  assert.equal(cleanText.status, 0, cleanText.stderr);
  assert.equal(cleanText.stdout, 'no findings in 1 file(s)\n', 'a clean text lint says so in one line');
});

test('lint: text and sarif formats', () => {
  const r = run(['lint', '-'], BAD);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^-:2:5: warning DS005 /m);
  const s = run(['lint', '--format=sarif', '-'], BAD);
  const sarif = JSON.parse(s.stdout) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; fixes?: unknown[] }[] }[];
  };
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0]?.tool.driver.rules.some((x) => x.id === 'DS015'));
  const res = sarif.runs[0]?.results.find((x) => x.ruleId === 'DS005');
  assert.ok(res?.fixes && res.fixes.length === 1, 'fixes carried into SARIF');
});

test('usage and I/O errors exit 2 with a clear message', () => {
  assert.equal(run([]).status, 2);
  const unknown = run(['lint', '--format', 'xml', 'x']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown format "xml"/);
  const missing = run(['lint', '/nonexistent/Dockerfile']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file/);
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0]));
  const bin = run(['lint', path.join(dir, 'bin')]);
  assert.equal(bin.status, 2);
  assert.match(bin.stderr, /not a text file/);
  assert.equal(run(['--version']).status, 0);
});

test('fix: writes safe fixes in place, idempotent; --stdout prints; --unsafe is opt-in', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, 'FROM golang:1.22\nCOPY . /src\nWORKDIR /src\nRUN apk add git\nRUN go build -o /app .\nCMD ["/app"]\n');
  fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
  const printed = run(['fix', '--stdout', file]);
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /apk add --no-cache git/);
  assert.equal(fs.readFileSync(file, 'utf8').includes('--no-cache'), false, '--stdout does not write');
  const r = run(['fix', file]);
  assert.equal(r.status, 0, r.stderr);
  const once = fs.readFileSync(file, 'utf8');
  assert.equal(once, printed.stdout);
  assert.equal(run(['fix', file]).status, 0);
  assert.equal(fs.readFileSync(file, 'utf8'), once, 'a second fix changes nothing');
  assert.equal(run(['lint', '--format', 'json', file]).stdout.includes('"safe": true'), false, 'no safe fix left');
});

test('fix: creates a missing .dockerignore but never overwrites one', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, 'FROM alpine:3.20\nCOPY . /app\n');
  const r = run(['fix', file]);
  assert.equal(r.status, 0, r.stderr);
  const ignore = path.join(dir, '.dockerignore');
  assert.ok(fs.existsSync(ignore), 'created');
  assert.match(fs.readFileSync(ignore, 'utf8'), /\.git/);
  fs.writeFileSync(ignore, 'mine\n');
  fs.writeFileSync(file, 'FROM alpine:3.20\nCOPY . /app\n');
  run(['fix', file]);
  assert.equal(fs.readFileSync(ignore, 'utf8'), 'mine\n');
});

test('lint: every format carries the rule docs URL built from package.json repository; "unsafe" is said once', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { repository: { url: string } };
  const web = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  const url = `${web}/blob/main/docs/rules/DS005.md`;
  const text = run(['lint', '-'], BAD);
  assert.ok(
    text.stdout.split('\n').some((l) => l.startsWith('-:2:5: warning DS005 ') && l.endsWith(` ${url}`)),
    text.stdout,
  );
  const rows = JSON.parse(run(['lint', '--format', 'json', '-'], BAD).stdout) as { rule: string; docs?: string }[];
  assert.equal(rows.find((r) => r.rule === 'DS005')?.docs, url);
  const sarif = JSON.parse(run(['lint', '--format', 'sarif', '-'], BAD).stdout) as {
    runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } } }[];
  };
  for (const r of sarif.runs[0]?.tool.driver.rules ?? []) assert.equal(r.helpUri, `${web}/blob/main/docs/rules/${r.id}.md`);
  const full = run(['lint', '-'], 'FROM python:3.12\nCMD ["python3"]\n');
  const line = full.stdout.split('\n').find((l) => l.includes(' DS011 ')) ?? '';
  assert.match(line, /\[unsafe fix: Use python:3\.12-slim/);
  assert.equal(line.match(/unsafe/g)?.length, 1, line);
});
