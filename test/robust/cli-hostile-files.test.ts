/**
 * Issue 27, files and output: `layers` refuses what `lint` refuses (a committed `Dockerfile -> /dev/zero`, a FIFO
 * baseline) and accepts `--`; nothing writes through a symbolic link (`--write-baseline`, the Action's SARIF); the
 * Action passes each file name as one argument after `--`; hover markdown cannot carry images, links or HTML from
 * input; docker's build output is sanitised; SARIF URIs are percent-encoded.
 */
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { hoverCode, hoverCodeBlock, hoverText } from '../../common/src/text/markdown.js';
import { safeLineWriter } from '../../common/src/text/sanitize.js';
import { sarifUri } from '../../server/src/cli/sarif.js';
import { writeReport } from '../../server/src/cli/write-file.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const posix = process.platform !== 'win32';
const BAD = 'FROM alpine:3.20\nRUN apk add curl\n';

function repo(): { root: string; outside: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-hostile27-')));
  const root = path.join(base, 'repo');
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  return { root, outside };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 30_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const noDocker = (root: string): NodeJS.ProcessEnv => ({ DOCKERFILE_SLIM_DOCKER: path.join(root, 'no-docker') });

test('reproduction 6: layers: a Dockerfile linked to /dev/zero or out of the repository, and a FIFO baseline, are refused at once', { skip: !posix }, () => {
  const { root, outside } = repo();
  fs.symlinkSync('/dev/zero', path.join(root, 'Dockerfile'));
  const zero = run(['layers', '--image', 'x', 'Dockerfile'], root, noDocker(root));
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /Dockerfile: is a symbolic link to \/dev\/zero, a character device; not read/);
  assert.ok(zero.ms < 10_000, `${zero.ms} ms (it read 9 GB in 90 s before)`);
  fs.writeFileSync(path.join(outside, 'secret'), 'FROM alpine\n');
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'out.Dockerfile'));
  assert.match(run(['layers', '--image', 'x', 'out.Dockerfile'], root, noDocker(root)).stderr, /outside the repository/);
  fs.writeFileSync(path.join(root, 'real.Dockerfile'), BAD);
  spawnSync('mkfifo', [path.join(root, 'baseline.json')]);
  const fifo = run(['layers', '--image', 'x', '--baseline', 'baseline.json', 'real.Dockerfile'], root, noDocker(root));
  assert.equal(fifo.status, 2);
  assert.match(fifo.stderr, /baseline baseline\.json: is a named pipe; not read/);
  assert.ok(fifo.ms < 10_000, `${fifo.ms} ms (it blocked forever before)`);
});

test('reproduction 9: layers accepts -- before a Dockerfile whose name looks like an option', () => {
  const { root } = repo();
  fs.writeFileSync(path.join(root, '--format=json'), BAD);
  const r = run(['layers', '--image', 'x', '--', '--format=json'], root, noDocker(root));
  assert.equal(r.status, 2);
  assert.doesNotMatch(r.stderr, /unknown option|unknown format/);
  assert.match(r.stderr, /docker|podman/i, 'it got as far as Docker');
  assert.match(run(['layers', '--image', 'x', '--', '--format=json', 'b'], root).stderr, /exactly one DOCKERFILE/);
});

test('reproduction 7: reports are never written through a symbolic link, or through a folder linked out of the repository', { skip: !posix }, () => {
  const { root, outside } = repo();
  const victim = path.join(outside, 'victim');
  fs.writeFileSync(victim, 'precious\n');
  fs.symlinkSync(victim, path.join(root, 'baseline.json'));
  const cwd = process.cwd();
  process.chdir(root);
  try {
    assert.throws(() => writeReport('baseline.json', '{}\n'), /is a symbolic link; not written through/);
    fs.symlinkSync(outside, path.join(root, 'out'));
    assert.throws(() => writeReport('out/new.json', '{}\n'), /symbolic link out of the repository/);
    assert.equal(fs.existsSync(path.join(outside, 'new.json')), false);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
    writeReport('fresh.json', '{"a":1}\n');
    assert.equal(fs.readFileSync(path.join(root, 'fresh.json'), 'utf8'), '{"a":1}\n');
    writeReport('fresh.json', '{"a":2}\n');
    assert.equal(fs.readFileSync(path.join(root, 'fresh.json'), 'utf8'), '{"a":2}\n');
    assert.deepEqual(
      fs.readdirSync(root).filter((f) => f.endsWith('.tmp')),
      [],
    );
  } finally {
    process.chdir(cwd);
  }
});

test('reproductions 7 and 9: the Action: one argument per file name after --, and no SARIF written through a committed link', { skip: !posix }, () => {
  const { root, outside } = repo();
  const output = path.join(root, '.git', 'github-output');
  const action = (env: Record<string, string>): { out: string; stderr: string } => {
    fs.writeFileSync(output, '');
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'action', 'lint.sh')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DSLIM: cli, GITHUB_OUTPUT: output, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return { out: fs.readFileSync(output, 'utf8'), stderr: r.stderr };
  };
  fs.writeFileSync(path.join(root, 'a --format=json'), BAD);
  fs.writeFileSync(path.join(root, 'b c.Dockerfile'), BAD);
  assert.equal(action({ FILES: 'a --format=json\nb c.Dockerfile\n', SARIF_FILE: 'out.sarif' }).out, 'exit-code=1\n');
  const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out.sarif'), 'utf8')) as {
    version: string;
    runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
  };
  assert.equal(sarif.version, '2.1.0', 'SARIF, not JSON');
  const uris = new Set(sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri));
  assert.deepEqual([...uris].sort(), ['a%20--format%3Djson', 'b%20c.Dockerfile']);
  // A single line is still split on spaces, each word one file.
  fs.writeFileSync(path.join(root, 'Dockerfile'), BAD);
  assert.equal(action({ FILES: 'Dockerfile  --unsafe', SARIF_FILE: 'two.sarif' }).out, 'exit-code=2\n', '--unsafe is a missing file, not an option');
  // SARIF_FILE committed as a link to a file elsewhere: refused, the target untouched.
  fs.writeFileSync(path.join(outside, 'victim'), 'precious\n');
  fs.symlinkSync(path.join(outside, 'victim'), path.join(root, 'linked.sarif'));
  const linked = action({ FILES: 'Dockerfile', SARIF_FILE: 'linked.sarif' });
  assert.equal(linked.out, 'exit-code=2\n');
  assert.match(linked.stderr, /symbolic link/);
  assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'precious\n');
  assert.ok(fs.lstatSync(path.join(root, 'linked.sarif')).isSymbolicLink());
});

test('reproduction 11: SARIF URIs are percent-encoded path segments', () => {
  assert.equal(sarifUri('dir/a b\nc.Dockerfile'), 'dir/a%20b%0Ac.Dockerfile');
  assert.equal(sarifUri('x#y?z%.Dockerfile'), 'x%23y%3Fz%25.Dockerfile');
  assert.equal(sarifUri('C:\\w\\Dockerfile'), 'C:/w/Dockerfile');
  const { root } = repo();
  fs.mkdirSync(path.join(root, 'dir'));
  if (posix) {
    fs.writeFileSync(path.join(root, 'dir', 'a b\nc.Dockerfile'), BAD);
    const r = run(['lint', '--format', 'sarif', '--', 'dir/a b\nc.Dockerfile'], root);
    assert.match(r.stdout, /"uri": "dir\/a%20b%0Ac\.Dockerfile"/);
  }
});

const HOSTILE = [
  'x)![](https://evil.example/b.png)',
  '<img src=https://evil.example/b.png>',
  '[Click to apply the fix](command:workbench.action.terminal.sendSequence)',
  'a\n\n![x](https://evil.example/b.png)\n\n',
  'https://evil.example/autolink www.evil.example mail@evil.example',
  '`x` ``` ```` |a|b| &lt;b&gt; $(zap)',
];

/** Every ASCII punctuation character in `md` is backslash-escaped (nothing markdown could act on), and there is one line. */
function inert(md: string): boolean {
  if (/[\r\n]/.test(md)) return false;
  for (let i = 0; i < md.length; i++) {
    const c = md[i] as string;
    if (c === '\\') {
      i++;
      continue;
    }
    if (/[!-/:-@[-`{-~]/.test(c)) return false;
  }
  return true;
}

test('reproduction 8: hover fragments: escaped text, code spans and blocks that no input can leave', () => {
  for (const h of HOSTILE) {
    assert.ok(inert(hoverText(h)), hoverText(h));
    const code = hoverCode(h);
    assert.doesNotMatch(code, /\n/);
    const ticks = /^`+/.exec(code)?.[0] ?? '';
    assert.ok(ticks.length >= 1 && code.endsWith(ticks) && !code.slice(ticks.length, -ticks.length).includes(ticks), code);
    const block = hoverCodeBlock(h, 'shell');
    const fence = /\n(`{3,})shell\n/.exec(block)?.[1] ?? '';
    assert.ok(fence.length >= 3 && !h.includes(fence), 'the fence is longer than any run inside');
  }
  // With a real CommonMark renderer where one is installed: no image, link or HTML from the fragments.
  let md: { render(s: string): string } | undefined;
  try {
    const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: object) => { render(s: string): string };
    md = new MarkdownIt({ html: true, linkify: true });
  } catch {
    md = undefined;
  }
  if (!md) return;
  for (const h of HOSTILE) {
    const html = md.render(`**${hoverText(h)}** | ${hoverCode(h)}\n\n${hoverCodeBlock(h, 'shell')}`);
    assert.doesNotMatch(html, /<img|<a |<script/, html);
  }
});

test("reproduction 10: docker's build output passes through line by line, sanitised", () => {
  const out: string[] = [];
  const w = safeLineWriter((s) => out.push(s));
  w.push('#5 [2/3] RUN echo\n::add-mask::secret\n#5 0.1 ::error file=x::boom\r\n\u001b[31mred\u001b');
  w.push('[0m\n##[group]x\npartial');
  w.end();
  const text = out.join('');
  assert.doesNotMatch(text, /\u001b/);
  for (const line of text.split('\n')) assert.doesNotMatch(line, /^\s*(::|##\[)/, line);
  assert.match(text, /\\::add-mask::secret/);
  assert.match(text, /partial\n$/);
});
