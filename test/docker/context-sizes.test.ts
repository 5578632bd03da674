/**
 * Build-context sizes proven by real builds (BuildKit, local/busybox:latest, no registry): a context with a large
 * `.git` packfile of incompressible bytes, `node_modules` and a `.dockerignore` with negations. Every context
 * COPY's measured layer must be within 5% of what the context walk said; DS012 (no .dockerignore) and DS017 (a
 * .dockerignore that misses .git) name `.git` and its size on the COPY line; applying the fix makes the next real
 * build smaller by that much.
 *
 *   npm run compile && node --test out/test/docker/context-sizes.test.js     (needs a running dockerd)
 *   DOCKER_TESTS=skip   skip the suite
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix, lintDetailed } from '../../server/src/engine/index.js';
import { ContextMeter, factsOf } from '../../common/src/build-context/index.js';
import { contextCopies } from '../../server/src/analysis/context-copies.js';

const DOCKER = '/usr/bin/docker';
const TAG = `context-image-sizes-${process.pid}`;
const MB = 1e6;

function docker(args: string[]): string {
  const r = spawnSync(DOCKER, args, { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const available = process.env.DOCKER_TESTS !== 'skip' && spawnSync(DOCKER, ['image', 'inspect', 'local/busybox:latest']).status === 0;
const dtest = available ? test : test.skip;
if (!available) console.log('# context-sizes: skipped (no dockerd with local/busybox:latest, or DOCKER_TESTS=skip)');

const DOCKERFILE = `FROM local/busybox:latest
WORKDIR /app
COPY package.json ./
COPY src/ ./src/
COPY . .
CMD ["sh", "-c", "ls /app"]
`;

function write(dir: string, p: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
  fs.writeFileSync(path.join(dir, p), data);
}

function makeContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'context-image-'));
  write(dir, 'Dockerfile', DOCKERFILE);
  write(dir, 'package.json', '{"name":"demo","version":"1.0.0"}\n');
  for (let i = 0; i < 40; i++) write(dir, `src/mod${i}.js`, crypto.randomBytes(20_000));
  write(dir, '.git/objects/pack/pack-1.pack', crypto.randomBytes(24 * MB)); // incompressible, like a real packfile
  write(dir, '.git/HEAD', 'ref: refs/heads/main\n');
  for (let i = 0; i < 120; i++) write(dir, `node_modules/pkg${i % 12}/file${i}.js`, crypto.randomBytes(40_000));
  write(dir, 'node_modules/keep-me/index.js', crypto.randomBytes(30_000));
  write(dir, 'docs/guide.md', crypto.randomBytes(200_000));
  write(dir, 'docs/README.md', 'read me\n');
  write(dir, 'build.log', crypto.randomBytes(100_000));
  return dir;
}

/** Bytes of each context COPY's layer, by the instruction text in `docker history`. */
function copyLayers(image: string): Map<string, number> {
  const out = docker(['history', '--no-trunc', '--human=false', '--format', '{{.CreatedBy}}\t{{.Size}}', image]);
  const m = new Map<string, number>();
  for (const line of out.trim().split('\n')) {
    const [by, size] = line.split('\t');
    const copy = /COPY (.*?) # buildkit/.exec(by ?? '');
    if (copy?.[1]) m.set(copy[1].trim(), Number(size));
  }
  return m;
}

const images: string[] = [];
after(() => {
  if (images.length) spawnSync(DOCKER, ['rmi', '-f', ...images]);
});

function build(dir: string, name: string): Map<string, number> {
  const tag = `${TAG}:${name}`;
  docker(['build', '-q', '-t', tag, dir]);
  images.push(tag);
  return copyLayers(tag);
}

function within(actual: number, expected: number, share: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= share * expected, `${what}: real ${actual} vs estimated ${expected} (more than ${share * 100}% apart)`);
}

dtest('each context COPY is within 5% of its real layer; the leak is named; its fix shrinks the next build by that much', () => {
  const dir = makeContext();
  const meter = new ContextMeter();
  const copies = contextCopies(DOCKERFILE);
  const lines = ['package.json ./', 'src/ ./src/', '. .'];

  // 1. No .dockerignore: DS012 names .git and its size on the COPY . line.
  const bare = meter.measure(dir, path.join(dir, 'Dockerfile'), copies);
  const bareFindings = lintDetailed(DOCKERFILE, { dockerignoreExists: false, context: factsOf(bare) });
  const ds012 = bareFindings.find((f) => f.rule === 'DS012' && f.line === 5);
  assert.match(ds012?.message ?? '', /\.git \(24\.\d MB\)/, 'DS012 names .git and its size');
  const bareLayers = build(dir, 'bare');
  bare.copies.forEach((c, i) => within(bareLayers.get(lines[i] as string) ?? -1, c.bytes, 0.05, `bare: COPY ${lines[i]}`));

  // 2. A .dockerignore with negations that still ships .git.
  write(dir, '.dockerignore', '*.log\nnode_modules\n!node_modules/keep-me\ndocs\n!docs/README.md\n');
  const ignored = meter.measure(dir, path.join(dir, 'Dockerfile'), copies);
  const gitLeak = ignored.leaks.find((l) => l.kind === 'git');
  assert.ok(gitLeak && gitLeak.bytes > 24 * MB);
  const findings = lintDetailed(DOCKERFILE, { dockerignoreExists: true, context: factsOf(ignored) });
  const ds017 = findings.find((f) => f.rule === 'DS017');
  assert.equal(ds017?.line, 5, 'the finding sits on the COPY . line');
  assert.match(ds017?.message ?? '', /ships \.git \(24\.\d MB, git history\)/);
  const ignoredLayers = build(dir, 'ignored');
  ignored.copies.forEach((c, i) => within(ignoredLayers.get(lines[i] as string) ?? -1, c.bytes, 0.05, `with .dockerignore: COPY ${lines[i]}`));
  assert.ok((ignoredLayers.get('. .') ?? 0) < (bareLayers.get('. .') ?? 0) - 4 * MB, 'the negations still drop node_modules and docs');

  // 3. The safe fix appends .git; the next build is smaller by .git's size.
  const fixed = fix(DOCKERFILE, { dockerignoreExists: true, context: factsOf(ignored) });
  assert.deepEqual(fixed.applied, ['DS017']);
  const add = fixed.createFiles.find((c) => c.path === '.dockerignore');
  assert.ok(add?.append);
  fs.appendFileSync(path.join(dir, '.dockerignore'), add.content);
  const after = meter.measure(dir, path.join(dir, 'Dockerfile'), copies);
  assert.equal(
    after.leaks.find((l) => l.kind === 'git'),
    undefined,
    'no .git left to ship',
  );
  const fixedLayers = build(dir, 'fixed');
  const saved = (ignoredLayers.get('. .') ?? 0) - (fixedLayers.get('. .') ?? 0);
  within(saved, gitLeak.bytes, 0.05, 'bytes the fix saved vs the size the finding named');
  console.log(
    `# context COPY . . layer: bare ${bareLayers.get('. .')} (est. ${bare.copies[2]?.bytes}), .dockerignore ${ignoredLayers.get('. .')} (est. ${ignored.copies[2]?.bytes}), fixed ${fixedLayers.get('. .')} (est. ${after.copies[2]?.bytes}); saved ${saved} vs named ${gitLeak.bytes}`,
  );
});
