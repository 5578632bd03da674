/**
 * DS016's cache-mount alternative for Go and cargo, built for real: the Go and Rust cases of
 * test/docker/multistage/ with the alternative applied (and nothing else) are built with BuildKit
 * (DOCKER_BUILDKIT=1, Docker's built-in Dockerfile frontend, no `# syntax=` line), the program must
 * still run, and the cache directories must be empty in the image. The legacy builder must refuse
 * the same file ("requires BuildKit"), which is why the fix is never applied by fix-all.
 *
 *   npm run compile && node --test out/test/docker/cache-mounts.test.js
 *   KEEP_IMAGES=1 keeps the dsl-cachemount/* images; DOCKER_TESTS=skip skips the suite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix, lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';
import { repoRoot } from '../helpers/paths.js';

const DOCKER = '/usr/bin/docker';
const casesDir = path.join(repoRoot, 'test', 'docker', 'multistage');
const tags: string[] = [];

function skipReason(): string | false {
  if (process.env.DOCKER_TESTS === 'skip') return 'DOCKER_TESTS=skip';
  if (!fs.existsSync(DOCKER)) return `${DOCKER} not installed`;
  const answers = spawnSync(DOCKER, ['version'], { stdio: 'ignore' }).status === 0;
  if (!answers && process.getuid?.() !== 0) return 'no running dockerd and not root (cannot start one)';
  return false;
}
const skip = skipReason();

function docker(args: string[], buildkit: boolean): { status: number | null; out: string } {
  const env = { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0' };
  const r = spawnSync(DOCKER, args, { env, encoding: 'utf8', timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function ok(args: string[]): string {
  const r = docker(args, true);
  assert.equal(r.status, 0, `docker ${args.join(' ')}:\n${r.out.slice(-4000)}`);
  return r.out;
}

before(() => {
  if (skip) return;
  const engine = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [engine, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [engine, 'images'], { stdio: 'inherit', timeout: 30 * 60_000, env: { ...process.env, IMAGES: 'debian golang' } });
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'stack-images.sh'), 'rust'], { stdio: 'inherit', timeout: 40 * 60_000 });
});

after(() => {
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
});

const cases = [
  { name: 'go-static', dirs: ['/root/.cache/go-build', '/go/pkg/mod'] },
  { name: 'rust-cargo', dirs: ['/root/.cargo/registry', '/root/.cargo/git'] },
];

for (const { name, dirs } of cases) {
  test(`cache mount alternative, real BuildKit build: ${name}`, { skip, timeout: 40 * 60_000 }, () => {
    const dir = path.join(casesDir, name);
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const finding = lintDetailed(text).find((f) => f.rule === 'DS016');
    const alt = finding?.alternatives?.[0];
    assert.ok(alt && !alt.safe, `DS016 offers an unsafe cache-mount alternative: ${JSON.stringify(finding)}`);
    assert.equal(alt.title, `Use a cache mount for ${dirs.join(' and ')}`);
    assert.equal(alt.buildkitOnly, true);
    const mounted = applyEdits(text, alt.edits);
    assert.ok(!/^#\s*syntax=/im.test(mounted), 'no # syntax= line (no frontend image can be pulled)');
    assert.ok(!fix(text, { unsafe: true }).text.includes('--mount'), 'fix-all never adds the mount');
    assert.ok(!lintDetailed(mounted).some((f) => f.rule === 'DS016'), `DS016 quiet with the mount:\n${mounted}`);

    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-cm-'));
    try {
      fs.cpSync(dir, ctx, { recursive: true, filter: (src) => !/(^case\.json|\.Dockerfile)$/.test(path.basename(src)) });
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), mounted);
      const tag = `dsl-cachemount/${name}:mount`;
      const legacy = docker(['build', '-t', `${tag}-legacy`, ctx], false);
      assert.notEqual(legacy.status, 0, 'the legacy builder cannot build a --mount');
      assert.match(legacy.out, /requires BuildKit/);
      ok(['build', '-t', tag, ctx]);
      tags.push(tag);
      const expect = new RegExp((JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as { expect: string }).expect, 'm');
      assert.match(ok(['run', '--rm', tag]), expect, 'the program runs');
      // The image holds at most the empty mount points: the caches stayed in BuildKit's cache. Read the files with
      // `docker export` (no shell or tool in the image is needed).
      const cid = ok(['create', tag]).trim();
      try {
        const fsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-cm-fs-'));
        try {
          const tar = path.join(fsDir, 'fs.tar');
          ok(['export', '-o', tar, cid]);
          const rel = dirs.map((d) => d.slice(1));
          const listing = execFileSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
            .split('\n')
            .filter((e) => rel.some((r) => e.startsWith(`${r}/`) && e.length > r.length + 1));
          assert.deepEqual(listing, [], 'no cache file in the image');
        } finally {
          fs.rmSync(fsDir, { recursive: true, force: true });
        }
      } finally {
        docker(['rm', cid], true);
      }
      // As written, the cache ships: the mount must not make the image bigger, and for Go it makes it smaller.
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), text);
      ok(['build', '-t', `dsl-cachemount/${name}:before`, ctx]);
      tags.push(`dsl-cachemount/${name}:before`);
      const size = (t: string): number => Number(ok(['image', 'inspect', '-f', '{{.Size}}', t]).trim());
      const [b, m] = [size(`dsl-cachemount/${name}:before`), size(tag)];
      console.log(`${name}: as written ${(b / 1e6).toFixed(1)} MB, with the cache mount ${(m / 1e6).toFixed(1)} MB`);
      assert.ok(m <= b, `mount ${m} B > before ${b} B`);
      if (name === 'go-static') assert.ok(b - m > 1e6, `the Go build cache stays out of the image (${b - m} B saved)`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });
}
