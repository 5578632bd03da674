/**
 * Fixes proven by real builds: every case under test/docker/cases/<name>/ (Dockerfile, tiny
 * context, case.json) is built as written and after `fix()`, with a real dockerd and only local
 * images (scripts/docker-engine.sh imports them; never a registry pull, no `# syntax=` line).
 * The fixed image must be smaller by at least `minSavedBytes` and still print `expect` when run.
 *
 *   npm run compile && npm run test:fixes          (needs root, or access to a running dockerd)
 *   BUILD_NETWORK=host   build with --network=host (when RUN steps cannot reach the Debian mirror)
 *   KEEP_IMAGES=1        keep the dockerfile-slim-test/* images for inspection
 *   DOCKER_TESTS=skip    skip the suite
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix } from '../../server/src/engine/index.js';
import { repoRoot } from '../helpers/paths.js';

interface Case {
  about: string;
  /** Rules whose fixes must have been applied. */
  rules: string[];
  unsafe: boolean;
  /** Whether the context has a .dockerignore (default: whether the case directory has one). */
  dockerignore?: boolean;
  /** Zero-filled files to create in the context: path → size in bytes (keeps the repository small). */
  files?: Record<string, number>;
  /** Regex the output of `docker run --rm IMAGE` must match, before and after. */
  expect: string;
  minSavedBytes: number;
}

const DOCKER = '/usr/bin/docker';
const casesDir = path.join(repoRoot, 'test', 'docker', 'cases');
const env = { ...process.env, DOCKER_BUILDKIT: '1' };
const rows: string[][] = [];
const tags: string[] = [];

function skipReason(): string | false {
  if (process.env.DOCKER_TESTS === 'skip') return 'DOCKER_TESTS=skip';
  if (!fs.existsSync(DOCKER)) return `${DOCKER} not installed`;
  const answers = spawnSync(DOCKER, ['version'], { env, stdio: 'ignore' }).status === 0;
  if (!answers && process.getuid?.() !== 0) return 'no running dockerd and not root (cannot start one)';
  return false;
}
const skip = skipReason();

function docker(args: string[], timeoutMs = 20 * 60_000): string {
  const r = spawnSync(DOCKER, args, { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status ?? r.signal}):\n${(r.stderr || r.stdout || '').slice(-4000)}`);
  return r.stdout;
}

function build(ctx: string, tag: string): number {
  const net = process.env.BUILD_NETWORK === 'host' ? ['--network=host'] : [];
  docker(['build', ...net, '-t', tag, ctx]);
  tags.push(tag);
  return Number(docker(['image', 'inspect', '-f', '{{.Size}}', tag]).trim());
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A temp copy of the case directory (without case.json), with its generated files. */
function context(dir: string, c: Case): string {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-ctx-'));
  fs.cpSync(dir, ctx, { recursive: true, filter: (src) => path.basename(src) !== 'case.json' });
  for (const [rel, size] of Object.entries(c.files ?? {})) {
    const file = path.join(ctx, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(size));
  }
  return ctx;
}

before(() => {
  if (skip) return;
  const script = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [script, 'images'], { stdio: 'inherit', timeout: 30 * 60_000 });
});

after(() => {
  if (rows.length) {
    const table = [['file', 'before', 'after', 'saved', 'fixes'], ...rows];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
    console.log('\n' + table.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n') + '\n');
  }
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { env, stdio: 'ignore' });
});

const names = fs.existsSync(casesDir)
  ? fs
      .readdirSync(casesDir)
      .filter((n) => fs.existsSync(path.join(casesDir, n, 'case.json')))
      .sort()
  : [];

for (const name of names) {
  test(`real build: ${name}`, { skip, timeout: 40 * 60_000 }, () => {
    const dir = path.join(casesDir, name);
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case;
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const dockerignoreExists = c.dockerignore ?? fs.existsSync(path.join(dir, '.dockerignore'));
    const fixed = fix(text, { unsafe: c.unsafe, dockerignoreExists });
    for (const r of c.rules) assert.ok(fixed.applied.includes(r), `${r} fix applied (applied: ${fixed.applied.join(' ')})`);
    assert.notEqual(fixed.text, text);
    assert.equal(fix(fixed.text, { unsafe: c.unsafe, dockerignoreExists: true }).text, fixed.text, 'fix is idempotent');

    const beforeCtx = context(dir, c);
    const afterCtx = context(dir, c);
    try {
      fs.writeFileSync(path.join(afterCtx, 'Dockerfile'), fixed.text);
      for (const f of fixed.createFiles) {
        const p = path.join(afterCtx, f.path);
        if (!fs.existsSync(p)) fs.writeFileSync(p, f.content);
      }
      const tag = `dockerfile-slim-test/${name}`;
      const sizeBefore = build(beforeCtx, `${tag}:before`);
      const sizeAfter = build(afterCtx, `${tag}:after`);
      const re = new RegExp(c.expect, 'm');
      for (const t of [`${tag}:before`, `${tag}:after`]) {
        const out = docker(['run', '--rm', t], 5 * 60_000);
        assert.match(out, re, `${t} still runs its command`);
      }
      const saved = sizeBefore - sizeAfter;
      rows.push([
        `${name}/Dockerfile`,
        mb(sizeBefore),
        mb(sizeAfter),
        `${mb(saved)} (${((100 * saved) / sizeBefore).toFixed(0)}%)`,
        [...new Set(fixed.applied)].join(' '),
      ]);
      assert.ok(saved >= c.minSavedBytes, `saved ${saved} B, expected at least ${c.minSavedBytes} B (${c.about})`);
    } finally {
      fs.rmSync(beforeCtx, { recursive: true, force: true });
      fs.rmSync(afterCtx, { recursive: true, force: true });
    }
  });
}
