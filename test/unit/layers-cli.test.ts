/**
 * `dockerfile-slim layers` without a daemon: budgets, baselines and renderers on recorded history, the whole
 * CLI (dist/cli.js) against podman's output formats (a podman stand-in script replaying podman's JSON array
 * history and an OCI archive), a daemon that hangs (the real /usr/bin/docker at a socket that never answers),
 * and SARIF validated against the SARIF 2.1.0 schema. The real-build proof is test/docker/layers-cli.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { finalStage, layerReport } from '../../common/src/image-layers/index.js';
import { evaluateBudgets, makeBaseline, parseBaseline, parseBudgets, parseByteSize, LayersUsageError } from '../../server/src/cli/layers-budget.js';
import { renderMarkdown, renderSarif, renderText, type RenderInput } from '../../server/src/cli/layers-render.js';
import { repoRoot } from '../helpers/paths.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { loadFixture } from './layers-fixtures.js';
import { ociArchive, type FakeImage } from './layers-tar-helper.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-layers-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const fixture = loadFixture('apk-del-later.podman');
const dockerfile = path.join(dir, 'Dockerfile');
fs.writeFileSync(dockerfile, fixture.dockerfile);
const podmanRows = JSON.parse(fixture.podmanJson ?? '[]') as Array<{ CreatedBy?: string; size: number }>;

// The saved image that goes with podman's history: one layer per row, oldest first; the toolchain layer writes
// 20 MiB that the next RUN deletes (a whiteout), the world file is rewritten.
const MIB20 = 20 * 1024 * 1024;
const image: FakeImage = {
  history: [...podmanRows].reverse().map((r) => ({ created_by: r.CreatedBy ?? '', ...(r.size === 0 ? { empty_layer: true } : {}) })),
  layers: [
    [{ name: 'bin/busybox', data: Buffer.alloc(1000) }],
    [{ name: 'etc/apk/world', data: 'base\n' }],
    [
      { name: 'usr/lib/build-deps/toolchain.bin', data: Buffer.alloc(MIB20) },
      { name: 'etc/apk/world', data: 'base\n.build-deps\n' },
    ],
    [
      { name: 'usr/lib/.wh.build-deps', data: '' },
      { name: 'etc/apk/world', data: 'base\n' },
    ],
  ],
};
const archive = path.join(dir, 'image.tar');
fs.writeFileSync(archive, ociArchive(image));
fs.writeFileSync(path.join(dir, 'history.json'), fixture.podmanJson ?? '');
const podman = path.join(dir, 'podman');
fs.writeFileSync(
  podman,
  `#!/bin/sh\ncase "$1" in\n  history) for a in "$@"; do ref=$a; done; [ "$ref" = "localhost/apk:1" ] || { echo "Error: localhost/$ref: image not known" >&2; exit 125; }; cat "${dir}/history.json" ;;\n  save) cat "${archive}" ;;\n  *) echo "unexpected $*" >&2; exit 125 ;;\nesac\n`,
  { mode: 0o755 },
);
const env = { DOCKERFILE_SLIM_DOCKER: podman };

test('sizes and budgets: SI and binary units, percentages for growth, clear usage errors', () => {
  assert.equal(parseByteSize('120MB'), 120e6);
  assert.equal(parseByteSize('1.5GiB'), 1.5 * 1024 ** 3);
  assert.equal(parseByteSize('0'), 0);
  assert.equal(parseByteSize('12 parsecs'), undefined);
  assert.deepEqual(parseBudgets(['total=120MB,layer=50MB', 'wasted=0,growth=5%']), { total: 120e6, layer: 50e6, wasted: 0, growth: { percent: 5 } });
  assert.throws(() => parseBudgets(['size=1MB']), /unknown budget "size"/);
  assert.throws(() => parseBudgets(['total=5%']), /not a size/);
  assert.throws(() => parseBudgets(['growth=x%']), /not a percentage/);
});

test('baseline: round trip, and corrupt or foreign files are rejected with what is wrong', () => {
  const rows = JSON.parse(fixture.podmanJson ?? '[]') as Record<string, unknown>[];
  const report = layerReport(fixture.dockerfile, rows);
  const b = makeBaseline(report, 'sha256:x', (l) => `line ${l}`);
  assert.deepEqual(parseBaseline(JSON.stringify(b), 'b.json').totalBytes, report.totalBytes);
  assert.throws(
    () => parseBaseline('{"kind":', 'b.json'),
    (e: Error) => e instanceof LayersUsageError && /not valid JSON/.test(e.message),
  );
  assert.throws(() => parseBaseline('[1,2]', 'b.json'), /not a JSON object/);
  assert.throws(() => parseBaseline('{"kind":"layers-baseline","version":1,"totalBytes":-4,"lines":[]}', 'b.json'), /totalBytes/);
  assert.throws(() => parseBaseline(JSON.stringify({ ...b, lines: [{ line: 'x' }] }), 'b.json'), /lines\[0\] is malformed/);
});

test('growth is reported on the line that grew, measured against the same instruction after lines moved', () => {
  const rows = JSON.parse(fixture.podmanJson ?? '[]') as Record<string, unknown>[];
  const stage = finalStage(fixture.dockerfile);
  const at = (line: number): string => (line === stage.fromLine ? `FROM ${stage.fromImage}` : (stage.instructions.find((i) => i.line === line)?.text ?? ''));
  const report = layerReport(fixture.dockerfile, rows);
  const base = makeBaseline(report, 'old', at);
  const toolchain = stage.instructions.find((i) => /toolchain/.test(i.text))!;
  // The baseline had a 1 MB toolchain layer: the image grew by ~20 MB there.
  for (const l of base.lines) if (l.line === toolchain.line) l.bytes = 1e6;
  base.totalBytes -= 20971537 - 1e6;
  const ex = evaluateBudgets(report, { growth: { percent: 5 } }, base, at);
  assert.deepEqual(
    ex.map((e) => [e.budget, e.line]),
    [['growth', toolchain.line]],
  );
  assert.match(ex[0]!.message, /^\+20\.0 MB on this line: the image grew by 20\.0 MB/);
  assert.deepEqual(evaluateBudgets(report, { growth: { bytes: 30e6 } }, base, at), []);
});

test('renderers: a hostile Dockerfile path or instruction cannot start a line with :: or smuggle control characters', () => {
  const text = 'FROM local/busybox\nRUN echo "\x1b[31m::error::pwned\x07"\n';
  const rows = [
    { CreatedBy: '', Size: 1000 },
    { CreatedBy: 'RUN /bin/sh -c echo "\x1b[31m::error::pwned\x07" # buildkit', Size: 5 },
  ].reverse();
  const report = layerReport(text, rows);
  const stage = finalStage(text);
  const input: RenderInput = {
    file: '::warning file=x::evil\nDockerfile',
    image: 'img',
    report,
    excess: [{ budget: 'total', line: 1, message: 'image size 1.0 kB, over' }],
    budgets: { total: 10 },
    instructionAt: (l) => (l === 1 ? 'FROM local/busybox' : (stage.instructions[0]?.text ?? '')),
    version: '0',
  };
  for (const out of [renderText(input), renderMarkdown(input)]) {
    for (const line of out.split('\n')) assert.doesNotMatch(line, /^\s*::/, line);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f]/);
  }
  assert.deepEqual(sarifErrors(JSON.parse(renderSarif(input))), []);
});

test('CLI on podman formats (JSON array history, OCI archive): attribution, wasted bytes, json contract, exit 0', async () => {
  const r = await run(['layers', '--image', 'localhost/apk:1', '--format', 'json', dockerfile], env);
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{ line: number; bytes: number; wastedBytes: number; createdBy: string; stale?: boolean }>;
  assert.deepEqual(
    rows.map((x) => [x.line, x.bytes]),
    [
      [4, 1984172],
      [5, 5],
      [6, 20971537],
      [9, 5],
      [10, 0],
      [11, 0],
    ],
  );
  assert.equal(rows.find((x) => x.line === 6)?.wastedBytes, MIB20 + 17, 'the toolchain and the world file it wrote');
  assert.ok(rows.every((x) => typeof x.createdBy === 'string' && x.stale === undefined));
});

test('CLI budgets: exit 1 with each excess on its line; sarif results validate against the SARIF 2.1.0 schema', async () => {
  const r = await run(['layers', '--image', 'localhost/apk:1', '--budget', 'total=30MB,layer=10MB', '--budget', 'wasted=1MB', dockerfile], env);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^ {2}line 6: layer: layer of 21\.0 MB, over the budget of 10\.0 MB by 11\.0 MB$/m);
  assert.match(r.stdout, /^ {2}line 6: wasted: 21\.0 MB written here is removed or replaced later/m);
  assert.doesNotMatch(r.stdout, /: total:/, 'total is within budget');
  const s = await run(['layers', '--image', 'localhost/apk:1', '--format', 'sarif', '--budget', 'layer=10MB', dockerfile], env);
  assert.equal(s.status, 1);
  const log = JSON.parse(s.stdout) as {
    runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
  };
  assert.deepEqual(sarifErrors(log), []);
  assert.deepEqual(
    log.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.region.startLine]),
    [
      ['layers/wasted-bytes', 5],
      ['layers/wasted-bytes', 6],
      ['layers/budget-layer', 6],
    ],
  );
  const ok = await run(['layers', '--image', 'localhost/apk:1', '--budget', 'total=1GB', '--format', 'markdown', dockerfile], env);
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /✅ Within budget \(total 1\.0 GB\)/);
});

test('CLI bad input: exit 2 and one clear line, never a stack trace', async () => {
  const corrupt = path.join(dir, 'corrupt.json');
  fs.writeFileSync(corrupt, '{"kind":"layers-baseline","version":1,"totalBytes":');
  const other = path.join(dir, 'Other.Dockerfile');
  fs.writeFileSync(other, 'FROM local/busybox\nRUN echo one\nRUN echo two\nCOPY a /a\nCMD ["x"]\n');
  const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
    [['layers', dockerfile], /exactly one of --image IMAGE or --build CONTEXT/],
    [['layers', '--image', 'x', '--format', 'html', dockerfile], /unknown format "html"/],
    [['layers', '--image', 'x', '--budget', 'growth=5%', dockerfile], /growth budget needs --baseline/],
    [['layers', '--image', 'localhost/apk:1', '--baseline', corrupt, dockerfile], /baseline .*corrupt\.json is not valid JSON/, env],
    [['layers', '--image', 'localhost/apk:1', other], /does not look built from .*Other\.Dockerfile: only 0 of its 4/, env],
    [['layers', '--image', 'localhost/nope', dockerfile], /no image "localhost\/nope"/, env],
    [['layers', '--image', 'x', dockerfile], /not installed or not on PATH; set DOCKERFILE_SLIM_DOCKER/, { DOCKERFILE_SLIM_DOCKER: path.join(dir, 'none') }],
    [['layers', '--image', 'x', path.join(dir, 'missing')], /Dockerfile .*missing: no such file/],
  ];
  for (const [args, message, e] of cases) {
    const r = await run(args, e ?? {});
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
  }
});

const realDocker = fs.existsSync('/usr/bin/docker');
test('CLI with a daemon that hangs: the real docker CLI times out, exit 2 with a clear message', { skip: !realDocker && 'no /usr/bin/docker' }, async () => {
  const sock = path.join(dir, 'hang.sock');
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => void sockets.push(s)); // accepts, never answers
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  try {
    const started = Date.now();
    const r = await run(['layers', '--image', 'any', dockerfile], {
      DOCKERFILE_SLIM_DOCKER: '/usr/bin/docker',
      DOCKER_HOST: `unix://${sock}`,
      DOCKERFILE_SLIM_DOCKER_TIMEOUT: '2',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /timed out after 2000 ms: the Docker daemon did not answer/);
    assert.ok(Date.now() - started < 20_000);
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

test('lint SARIF validates against the SARIF 2.1.0 schema too (what the GitHub Action uploads)', () => {
  const bad = path.join(dir, 'lint.Dockerfile');
  fs.writeFileSync(bad, 'FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /app\n');
  const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'sarif', bad], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as { runs: Array<{ results: unknown[] }> };
  assert.ok(log.runs[0]!.results.length >= 3);
  assert.deepEqual(sarifErrors(log), []);
});
