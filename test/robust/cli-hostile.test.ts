/**
 * The CLI against a hostile repository (issue 17): options smuggled in as file names, devices and
 * symbolic links committed as Dockerfiles, huge files, FIFOs, and Dockerfiles whose words try to
 * become GitHub Actions workflow commands or terminal escapes. Through the bundled dist/cli.js.
 */
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const BAD = 'FROM alpine:3.20\nRUN apk add curl\n';

function run(args: string[], opts: { input?: string; cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input: opts.input, cwd: opts.cwd, timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fake repository (with a .git folder) in a fresh temporary folder, and a folder outside it. */
function repo(): { root: string; outside: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-hostile-')));
  const root = path.join(base, 'repo');
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  return { root, outside };
}

const posix = process.platform !== 'win32';

test('options: --flag=value only for flags that take a value; -- ends the options', () => {
  const { root } = repo();
  fs.writeFileSync(path.join(root, 'x.Dockerfile'), 'FROM ubuntu:22.04\nRUN echo\n');
  const smuggled = run(['fix', '--unsafe=x.Dockerfile'], { cwd: root });
  assert.equal(smuggled.status, 2);
  assert.match(smuggled.stderr, /--unsafe takes no value/);
  assert.equal(fs.readFileSync(path.join(root, 'x.Dockerfile'), 'utf8'), 'FROM ubuntu:22.04\nRUN echo\n', 'nothing fixed');
  assert.match(run(['lint', '--stdout=1', 'x.Dockerfile'], { cwd: root }).stderr, /--stdout takes no value/);
  // A file named like an option is a file after --.
  fs.writeFileSync(path.join(root, '--unsafe'), BAD);
  const after = run(['lint', '--', '--unsafe'], { cwd: root });
  assert.equal(after.status, 1, after.stderr);
  assert.match(after.stdout, /^\.\/--unsafe:2:5: warning DS005 /m, 'printed so that it cannot pass for an option');
  const unknown = run(['lint', '--unsafe-all', 'x.Dockerfile'], { cwd: root });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option --unsafe-all/);
  assert.equal(run(['lint', '--format=json', '--', '-'], { input: BAD }).status, 1, '- after -- is still standard input');
  assert.match(run(['lint', '--format']).stderr, /--format needs a value/);
});

test('files: a symbolic link to a device, outside the repository, or dangling is refused with exit 2', { skip: !posix }, () => {
  const { root, outside } = repo();
  fs.writeFileSync(path.join(outside, 'secret'), 'FROM alpine\nRUN apk add id_rsa_contents\n');
  fs.symlinkSync('/dev/zero', path.join(root, 'Dockerfile'));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'out.Dockerfile'));
  fs.symlinkSync(path.join(root, 'missing'), path.join(root, 'dangling.Dockerfile'));
  fs.writeFileSync(path.join(root, 'real.Dockerfile'), BAD);
  fs.symlinkSync('real.Dockerfile', path.join(root, 'inside.Dockerfile'));
  const started = Date.now();
  const zero = run(['lint', 'Dockerfile'], { cwd: root });
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /Dockerfile: is a symbolic link to \/dev\/zero, a character device; not read/);
  assert.ok(Date.now() - started < 15000, 'refused without reading');
  const out = run(['lint', 'out.Dockerfile'], { cwd: root });
  assert.equal(out.status, 2);
  assert.match(out.stderr, /out\.Dockerfile: is a symbolic link to .*secret, outside the repository .*repo; not read/);
  assert.doesNotMatch(out.stdout + out.stderr, /id_rsa_contents/);
  assert.match(run(['lint', 'dangling.Dockerfile'], { cwd: root }).stderr, /symbolic link to a missing file/);
  // A link to a file inside the same repository is read as before; /dev/null itself is not a file.
  assert.equal(run(['lint', 'inside.Dockerfile'], { cwd: root }).status, 1);
  assert.match(run(['lint', '/dev/null']).stderr, /\/dev\/null: is a character device; not read/);
  // A link through a folder that points outside counts as well.
  fs.symlinkSync(outside, path.join(root, 'sub'));
  assert.match(run(['lint', 'sub/secret'], { cwd: root }).stderr, /outside the repository/);
});

test('files: a FIFO is refused at once, a huge file before it is read, a huge pipe after the cap', { skip: !posix }, () => {
  const { root } = repo();
  const fifo = path.join(root, 'fifo.Dockerfile');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const r = run(['lint', 'fifo.Dockerfile'], { cwd: root });
  assert.equal(r.status, 2, 'did not hang on the FIFO');
  assert.match(r.stderr, /is a named pipe; not read/);
  const huge = path.join(root, 'huge.Dockerfile');
  fs.writeFileSync(huge, 'FROM alpine\n');
  fs.truncateSync(huge, 64 * 1024 * 1024); // sparse: 64 MB on paper, nothing on disk
  const big = run(['lint', 'huge.Dockerfile'], { cwd: root });
  assert.equal(big.status, 2);
  assert.match(big.stderr, /huge\.Dockerfile: too large \(64\.0 MB; the limit is 5 MB\)/);
  const piped = run(['lint', '-'], { input: `FROM alpine\n${'RUN true\n'.repeat(700000)}` });
  assert.equal(piped.status, 2);
  assert.match(piped.stderr, /-: too large \(over 5\.0 MB; the limit is 5 MB\)/);
});

test('fix never writes through or replaces a symbolic link', { skip: !posix }, () => {
  const { root } = repo();
  const real = path.join(root, 'real.Dockerfile');
  fs.writeFileSync(real, BAD);
  fs.symlinkSync('real.Dockerfile', path.join(root, 'Dockerfile'));
  const r = run(['fix', 'Dockerfile'], { cwd: root });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Dockerfile: is a symbolic link \(to real\.Dockerfile\); not rewritten/);
  assert.ok(fs.lstatSync(path.join(root, 'Dockerfile')).isSymbolicLink(), 'still a link');
  assert.equal(fs.readFileSync(real, 'utf8'), BAD, 'target untouched');
  const printed = run(['fix', '--stdout', 'Dockerfile'], { cwd: root });
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /apk add --no-cache curl/);
  assert.equal(run(['fix', 'real.Dockerfile'], { cwd: root }).status, 0);
  assert.match(fs.readFileSync(real, 'utf8'), /--no-cache/, 'the file itself is fixed');
  assert.deepEqual(
    fs.readdirSync(root).filter((n) => n.includes('.tmp')),
    [],
  );
});

test('text output of a hostile Dockerfile: no workflow-command line, no escape character, nothing lost', () => {
  const file = path.join(fixturesDir, 'hostile', 'workflow-commands.Dockerfile');
  const raw = fs.readFileSync(file, 'utf8');
  assert.match(raw, /\n::error file=x::pwned \u001b\]0;title\u0007/, 'the fixture carries the attack');
  const r = run(['lint', file]);
  assert.equal(r.status, 1, r.stderr);
  for (const line of r.stdout.split('\n')) assert.doesNotMatch(line, /^\s*(::|##\[)/, line);
  assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  assert.match(r.stdout, /DS002 `rm` removes \/a\\n::error file=x::pwned \\e\]0;title\\x07 /, 'quoted, escaped, on one line');
  // JSON and SARIF carry the same words escaped as JSON, and still parse to the original text.
  const json = run(['lint', '--format', 'json', file]);
  assert.doesNotMatch(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  const rows = JSON.parse(json.stdout) as { message: string }[];
  assert.ok(rows.some((x) => x.message.includes('/a\n::error file=x::pwned \u001b]0;title\u0007')));
  const sarif = run(['lint', '--format', 'sarif', file]);
  assert.doesNotMatch(sarif.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  JSON.parse(sarif.stdout);
});

test('file names from a hostile glob: escaped, and never the start of a workflow command', { skip: !posix }, () => {
  const { root } = repo();
  const names = ['::error::x.Dockerfile', 'a\n::warning::b.Dockerfile', '\u001b[2Jc.Dockerfile'];
  for (const n of names) fs.writeFileSync(path.join(root, n), BAD);
  const r = run(['lint', '--', ...names, 'missing\n::error::y'], { cwd: root });
  assert.equal(r.status, 2);
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) assert.doesNotMatch(line, /^\s*(::|##\[)/, line);
  assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0009\u000b-\u001f]/);
  assert.match(r.stdout, /^\.\/::error::x\.Dockerfile:2:5: warning DS005/m);
  assert.match(r.stdout, /^a\\n::warning::b\.Dockerfile:2:5:/m);
  assert.match(r.stdout, /^\\e\[2Jc\.Dockerfile:2:5:/m);
  assert.match(r.stderr, /missing\\n::error::y: no such file/);
});
