/**
 * Safe in untrusted workspaces: processes only through argument arrays (never a shell), the docker
 * path setting restricted, nothing built unless the user runs Build and Measure in a trusted
 * workspace, and CLI writes that never lose or overwrite what is there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

function sources(dir: string): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const e of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = path.relative(repoRoot, path.join(e.parentPath ?? e.path, e.name));
    // Comments out, so prose about `exec` or `spawn` does not count.
    const code = fs
      .readFileSync(path.join(repoRoot, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    out.push({ file, code });
  }
  return out;
}

const all = [...sources('client/src'), ...sources('server/src'), ...sources('common/src')];
const BAD_LAUNCH = /(?<![.\w])(exec|execSync|execFileSync|spawnSync|fork)\s*\(|\brequire\(\s*['"](node:)?child_process['"]\s*\)|\bshell\s*:\s*(true|['"`])/;

test('processes start only with execFile/spawn and argument arrays, only from docker-cli.ts, never through a shell', () => {
  assert.ok(all.length > 40, `scanned ${all.length} files`);
  const offenders = all.filter((s) => BAD_LAUNCH.test(s.code)).map((s) => `${s.file}: ${BAD_LAUNCH.exec(s.code)?.[0]}`);
  assert.deepEqual(offenders, []);
  const importers = all.filter((s) => /from\s+['"](node:)?child_process['"]/.test(s.code)).map((s) => s.file);
  assert.deepEqual(importers, [
    path.join('client', 'src', 'index-fetch.ts'),
    path.join('common', 'src', 'docker', 'docker-cli.ts'),
    path.join('common', 'src', 'package-index', 'inrelease.ts'),
  ]);
  // inrelease.ts runs gpgv to verify a package index's signature: one spawn, a literal argument array, no shell.
  const verifier = all.find((s) => s.file.endsWith('inrelease.ts'))?.code ?? '';
  assert.deepEqual(
    [...verifier.matchAll(/(?<![.\w])(execFile|spawn|exec|execSync|spawnSync|execFileSync)\(\s*([^,]+),\s*(.)/g)].map((c) => [c[1], c[2], c[3]]),
    [['spawn', 'gpgv', '[']],
  );
  assert.doesNotMatch(verifier, /shell:\s*true/);
  // index-fetch.ts starts node on dist/cli.js fetch-index: execFile with an argument array, nothing else.
  const fetcher = all.find((s) => s.file.endsWith('index-fetch.ts'))?.code ?? '';
  assert.match(fetcher, /import \{ execFile \} from 'node:child_process'/);
  const launches = [...fetcher.matchAll(/\b(execFile|spawn)\(\s*([^,]+),\s*([^,]+),/g)];
  assert.deepEqual(
    launches.map((c) => [c[2], c[3]]),
    [['process.execPath', 'args']],
  );
  const cli = all.find((s) => s.file.endsWith('docker-cli.ts'))?.code ?? '';
  const imported =
    /import\s*\{([^}]*)\}\s*from\s*['"]node:child_process['"]/
      .exec(cli)?.[1]
      ?.split(',')
      .map((x) => x.trim()) ?? [];
  // Named imports only (no namespace object with exec on it); type-only imports carry no code.
  const values = imported.filter((x) => x && !x.startsWith('type '));
  assert.ok(values.length > 0 && values.every((x) => x === 'execFile' || x === 'spawn'), `named imports only, got ${values.join(', ')}`);
  // One spawn (startDocker), fed an argument array; every call of it passes one too.
  const calls = [...cli.matchAll(/\b(execFile|spawn)\(\s*([^,]+),\s*([^,]+),/g)];
  assert.ok(calls.length >= 1, `${calls.length} spawns found`);
  for (const c of calls) assert.match(c[3] ?? '', /^(\[|args\b|buildArgs\()/, `argument array in ${c[0]}`);
  const starts = [...cli.matchAll(/\bstartDocker\(\s*([^,]+),/g)].filter((c) => !/:\s*readonly/.test(c[1] ?? ''));
  assert.ok(starts.length >= 3, `${starts.length} starts found`);
  for (const c of starts) assert.match(c[1] ?? '', /^(\[|args\b|buildArgs\()/, `argument array in ${c[0]}`);
});

test('package.json: limited support in untrusted workspaces, dockerfileSlim.dockerPath restricted and machine-scoped', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
    contributes: { configuration: { properties: Record<string, { scope?: string }> }; menus: { commandPalette: { command: string; when?: string }[] } };
  };
  const u = pkg.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited');
  assert.ok(u.restrictedConfigurations?.includes('dockerfileSlim.dockerPath'));
  assert.equal(pkg.contributes.configuration.properties['dockerfileSlim.dockerPath']?.scope, 'machine');
  const build = pkg.contributes.menus.commandPalette.find((m) => m.command === 'dockerfileSlim.buildAndMeasure');
  assert.match(build?.when ?? '', /isWorkspaceTrusted/);
});

test('nothing is built unless the user asks: `build` only in docker-cli buildArgs, runBuild only from the trusted Build and Measure command and CLI `layers --build`', () => {
  // An argument array that starts with `build` (a `new Set([...])` of subcommand names is not one).
  const withBuildArg = all.filter((s) => /(?<!Set\()\[\s*['"]build['"]/.test(s.code)).map((s) => s.file);
  assert.deepEqual(withBuildArg, [path.join('common', 'src', 'docker', 'docker-cli.ts')]);
  const callers = all.filter((s) => /\brunBuild\(/.test(s.code) && !s.file.endsWith('docker-cli.ts')).map((s) => s.file);
  // The editor's trusted command, and the CLI's `layers --build` (an explicit user command).
  assert.deepEqual(callers.sort(), [path.join('client', 'src', 'build-measure.ts'), path.join('server', 'src', 'cli', 'layers-build.ts')]);
  const users = all.filter((s) => /\bbuildAndMeasure\(/.test(s.code) && !s.file.endsWith('build-measure.ts'));
  for (const u of users) {
    for (const m of u.code.matchAll(/[^\n]*\n[^\n]*\bbuildAndMeasure\(/g)) {
      assert.match(m[0], /registerCommand\(BUILD_AND_MEASURE_COMMAND,/, `${u.file}: only as the command`);
    }
  }
  const bm = all.find((s) => s.file.endsWith('build-measure.ts'))?.code ?? '';
  const body = bm.slice(bm.indexOf('export async function buildAndMeasure'));
  assert.ok(body.indexOf('isTrusted') >= 0 && body.indexOf('isTrusted') < body.indexOf('runBuild('), 'refuses before building in an untrusted workspace');
  assert.match(bm, /isTrusted && configured/, 'dockerPath from settings ignored when untrusted');
});

const cli = path.join(repoRoot, 'dist', 'cli.js');
const NOBODY = 65534;
const BAD = 'FROM alpine:3.20\nRUN apk add curl\nCOPY . /app\n';

/** Runs the CLI as an unprivileged user (the tests run as root, which ignores permissions). */
function runAs(uid: number | undefined, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000, ...(uid === undefined ? {} : { uid, gid: uid }) });
  return { status: r.status, stderr: r.stderr };
}

function tmpDir(mode: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-sec-'));
  fs.chmodSync(dir, mode);
  return dir;
}

test('CLI fix in a read-only directory: exit 2, the original intact, no temp file left', () => {
  const dir = tmpDir(0o755);
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, BAD, { mode: 0o666 });
  fs.chmodSync(dir, 0o555);
  const r = runAs(process.getuid?.() === 0 ? NOBODY : undefined, ['fix', file]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /EACCES|permission denied/i);
  assert.equal(fs.readFileSync(file, 'utf8'), BAD);
  assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CLI fix of a read-only file in a writable directory: not replaced, exit 2', () => {
  const dir = tmpDir(0o777);
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, BAD);
  fs.chmodSync(file, 0o444);
  const r = runAs(process.getuid?.() === 0 ? NOBODY : undefined, ['fix', file]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), BAD);
  assert.equal(fs.statSync(file).mode & 0o777, 0o444);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f !== 'Dockerfile' && f !== '.dockerignore'),
    [],
    'no temp file left',
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('.dockerignore is never overwritten, not even through a symlink (dangling or not)', () => {
  const dir = tmpDir(0o755);
  const outside = path.join(tmpDir(0o755), 'outside');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
  fs.symlinkSync(outside, path.join(dir, '.dockerignore'));
  let r = runAs(undefined, ['fix', path.join(dir, 'Dockerfile')]);
  assert.ok(r.status === 0 || r.status === 2, r.stderr);
  assert.ok(!fs.existsSync(outside), 'nothing written through the dangling symlink');
  fs.writeFileSync(outside, 'mine\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), BAD);
  r = runAs(undefined, ['fix', path.join(dir, 'Dockerfile')]);
  assert.equal(fs.readFileSync(outside, 'utf8'), 'mine\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(outside), { recursive: true, force: true });
});
