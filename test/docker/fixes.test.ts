/**
 * Fixes proven by real builds: every case under test/docker/cases/<name>/ (Dockerfile, tiny context, case.json) is
 * built with a real dockerd and only local images (scripts/docker-engine.sh imports them; never a registry pull, no
 * `# syntax=` line) as written, after the safe fix, after the unsafe fix (when it differs) and, when the case has a
 * Dockerfile.hand, as optimised by hand. Every build must succeed and every image must pass the case's smoke tests.
 * The headline fix (`unsafe` in case.json) must save at least `minSavedBytes`, and `minShare` of the hand saving.
 * Invariants over every case (issue 16, "the lens and the linter agree"): wherever the original image has ≥ 1 MB
 * that a later layer removes, a rule flags the adding or the removing line and the safe fix recovers the bytes;
 * a build cache ≥ 1 MB that ships is flagged and the safe fix drops it.
 *
 *   npm run compile && npm run test:fixes          (needs root, or access to a running dockerd)
 *   BUILD_NETWORK=host   build with --network=host (cases with "mirror" always do: they reach 127.0.0.1)
 *   CASES=a,b            only these cases
 *   KEEP_IMAGES=1        keep the dockerfile-slim-test-<pid>/* images for inspection
 *   DOCKER_TESTS=skip    skip the suite
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix, lintDetailed } from '../../server/src/engine/index.js';
import { repoRoot } from '../helpers/paths.js';
import { flaggedAt, MB, removedLater, saveImage, shippedCaches } from './image-check.js';
import { ensureCerts, ensureFiles, ensureTestcaBase, startMirror, type Mirror } from './tls-mirror.js';

interface Smoke {
  /** Arguments after the image (`$MIRROR` is replaced); none runs the image's CMD. */
  args?: string[];
  /** Regex the output must match. */
  expect: string;
}

interface Case {
  about: string;
  /** Rules whose fixes the headline variant must have applied. */
  rules: string[];
  /** The headline variant: the unsafe fix (true) or the safe fix (false). */
  unsafe: boolean;
  /** Whether the context has a .dockerignore (default: whether the case directory has one). */
  dockerignore?: boolean;
  /** Zero-filled files to create in the context: path → size in bytes (keeps the repository small). */
  files?: Record<string, number>;
  /** Regex the output of `docker run --rm IMAGE` must match, for every variant. */
  expect: string;
  /** More smoke tests, run with --network=host (so they can reach the mirror). */
  smoke?: Smoke[];
  /** Builds reach the local HTTPS mirror: --network=host and --build-arg MIRROR=https://127.0.0.1:PORT. */
  mirror?: boolean;
  minSavedBytes: number;
  /** With Dockerfile.hand: the headline saving must be at least this share of the hand-optimised saving. */
  minShare?: number;
}

type Variant = 'before' | 'safe' | 'unsafe' | 'hand';

const DOCKER = '/usr/bin/docker';
const casesDir = path.join(repoRoot, 'test', 'docker', 'cases');
const cacheDir = path.join(repoRoot, '.cache');
/**
 * The test CA and the mirrored files live where the Docker images do (outside the checkout as root, like
 * scripts/docker-engine.sh), so a fresh clone on the same machine keeps the CA, the derived base image and
 * Docker's build cache valid; elsewhere they stay in .cache/.
 */
const machineCache = process.env.DOCKER_ENGINE_CACHE ?? (process.getuid?.() === 0 ? '/var/cache/dockerfile-slim/docker' : undefined);
const tlsCacheDir = machineCache ? path.join(path.dirname(machineCache), 'proof') : cacheDir;
const env = { ...process.env, DOCKER_BUILDKIT: '1' };
const prefix = `dockerfile-slim-test-${process.pid}`;
const results: Array<{ name: string; sizes: Partial<Record<Variant, number>>; failed: string[]; fixes: string; unsafe: boolean }> = [];
const tags: string[] = [];
let mirror: Mirror | undefined;

function skipReason(): string | false {
  if (process.env.DOCKER_TESTS === 'skip') return 'DOCKER_TESTS=skip';
  if (!fs.existsSync(DOCKER)) return `${DOCKER} not installed`;
  const answers = spawnSync(DOCKER, ['version'], { env, stdio: 'ignore' }).status === 0;
  if (!answers && process.getuid?.() !== 0) return 'no running dockerd and not root (cannot start one)';
  return false;
}
const skip = skipReason();

/** Runs docker without blocking the event loop (the HTTPS mirror lives in this process). */
function docker(args: string[], timeoutMs = 30 * 60_000): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(DOCKER, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-16_000)));
    p.on('error', fail);
    p.on('close', (code, signal) =>
      code === 0 ? ok(out) : fail(new Error(`docker ${args.join(' ')} failed (${code ?? signal}):\n${(err || out).slice(-4000)}`)),
    );
  });
}

async function build(ctx: string, tag: string, c: Case): Promise<number> {
  const net = c.mirror || process.env.BUILD_NETWORK === 'host' ? ['--network=host'] : [];
  const args = c.mirror && mirror ? ['--build-arg', `MIRROR=${mirror.url}`] : [];
  tags.push(tag);
  await docker(['build', ...net, ...args, '-t', tag, ctx]);
  return Number((await docker(['image', 'inspect', '-f', '{{.Size}}', tag])).trim());
}

/** A temp copy of the case directory (without case.json), with its generated files. */
function context(dir: string, c: Case): string {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-ctx-'));
  fs.cpSync(dir, ctx, { recursive: true, filter: (src) => !['case.json', 'Dockerfile.hand'].includes(path.basename(src)) });
  for (const [rel, size] of Object.entries(c.files ?? {})) {
    const file = path.join(ctx, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(size));
  }
  return ctx;
}

const names = fs.existsSync(casesDir)
  ? fs
      .readdirSync(casesDir)
      .filter((n) => fs.existsSync(path.join(casesDir, n, 'case.json')))
      .filter((n) => !process.env.CASES || process.env.CASES.split(',').includes(n))
      .sort()
  : [];
const readCase = (name: string): Case => JSON.parse(fs.readFileSync(path.join(casesDir, name, 'case.json'), 'utf8')) as Case;

before(async () => {
  if (skip) return;
  const script = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [script, 'images'], { stdio: 'inherit', timeout: 30 * 60_000 });
  if (names.some((n) => readCase(n).mirror)) {
    const certs = ensureCerts(path.join(tlsCacheDir, 'proof-tls'));
    ensureTestcaBase(certs.ca);
    mirror = await startMirror(certs, ensureFiles(path.join(tlsCacheDir, 'proof-mirror')), 18443, 60 * 60_000);
  }
});

after(async () => {
  await mirror?.close();
  if (results.length) {
    const rows = results.map((r) => {
      const same: Partial<Record<Variant, string>> = { safe: '= before', unsafe: '= safe fix' };
      const mbs = (v: Variant): string => {
        const b = r.sizes[v];
        if (r.failed.includes(v)) return b === undefined ? 'BUILD FAILS' : 'SMOKE FAILS';
        return b === undefined ? (same[v] ?? '—') : `${(b / MB).toFixed(1)} MB`;
      };
      const toolV: Variant = r.unsafe && r.sizes.unsafe !== undefined ? 'unsafe' : 'safe';
      const b = r.sizes.before ?? 0;
      const tool = r.sizes[toolV] ?? b;
      const share = r.sizes.hand === undefined ? '—' : r.failed.includes(toolV) ? '0% (broken)' : `${((100 * (b - tool)) / (b - r.sizes.hand)).toFixed(0)}%`;
      return [r.name, mbs('before'), mbs('safe'), mbs('unsafe'), mbs('hand'), share, r.fixes];
    });
    const table = [['case', 'before', 'safe fix', 'unsafe fix', 'by hand', 'share', 'fixes'], ...rows];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
    console.log('\n' + table.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n') + '\n');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(path.join(cacheDir, 'fixes-results.json'), JSON.stringify(results, null, 2));
  }
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { env, stdio: 'ignore' });
});

async function smokeTest(tag: string, c: Case): Promise<void> {
  assert.match(await docker(['run', '--rm', tag], 5 * 60_000), new RegExp(c.expect, 'm'), `${tag} runs its command`);
  for (const s of c.smoke ?? []) {
    const args = (s.args ?? []).map((a) => a.replaceAll('$MIRROR', mirror?.url ?? ''));
    const out = await docker(['run', '--rm', '--network=host', tag, ...args], 5 * 60_000);
    assert.match(out, new RegExp(s.expect, 'm'), `${tag} ${args.join(' ')}`);
  }
}

for (const name of names) {
  test(`real build: ${name}`, { skip, timeout: 90 * 60_000 }, async () => {
    const dir = path.join(casesDir, name);
    const c = readCase(name);
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const dockerignoreExists = c.dockerignore ?? fs.existsSync(path.join(dir, '.dockerignore'));
    const safe = fix(text, { dockerignoreExists });
    const unsafe = fix(text, { unsafe: true, dockerignoreExists });
    const headline = c.unsafe ? unsafe : safe;
    const problems: string[] = [];
    for (const r of c.rules) if (!headline.applied.includes(r)) problems.push(`${r} fix not applied (applied: ${headline.applied.join(' ')})`);
    for (const f of [safe, unsafe]) {
      if (f.text !== text && fix(f.text, { unsafe: f === unsafe, dockerignoreExists: true }).text !== f.text) {
        problems.push(`the ${f === safe ? 'safe' : 'unsafe'} fix is not idempotent`);
      }
    }

    const variants: Array<[Variant, string, typeof safe | undefined]> = [['before', text, undefined]];
    if (safe.text !== text) variants.push(['safe', safe.text, safe]);
    if (unsafe.text !== safe.text) variants.push(['unsafe', unsafe.text, unsafe]);
    const handFile = path.join(dir, 'Dockerfile.hand');
    if (fs.existsSync(handFile)) variants.push(['hand', fs.readFileSync(handFile, 'utf8'), undefined]);

    const ctxs = new Map<Variant, string>();
    const sizes: Partial<Record<Variant, number>> = {};
    try {
      for (const [v, body, fixed] of variants) {
        const ctx = context(dir, c);
        ctxs.set(v, ctx);
        fs.writeFileSync(path.join(ctx, 'Dockerfile'), body);
        for (const f of fixed?.createFiles ?? []) {
          const p = path.join(ctx, f.path);
          if (!fs.existsSync(p)) fs.writeFileSync(p, f.content);
        }
      }
      const tagOf = (v: Variant): string => `${prefix}/${name}:${v}`;
      // Every variant is built and smoke-tested even when another fails, so one run reports every broken build.
      // Two at a time: the steps they share are cached, the rest is mostly apt downloads and compilers.
      for (let i = 0; i < variants.length; i += 2) {
        const done = await Promise.allSettled(
          variants.slice(i, i + 2).map(async ([v]) => {
            sizes[v] = await build(ctxs.get(v)!, tagOf(v), c);
            await smokeTest(tagOf(v), c);
          }),
        );
        done.forEach((d, k) => {
          if (d.status === 'rejected') problems.push(`${variants[i + k]![0]}: ${String((d.reason as Error).message ?? d.reason).slice(-1500)}`);
        });
      }
      const failed = new Set(problems.map((p) => p.slice(0, p.indexOf(':'))));
      results.push({ name, sizes, failed: [...failed], fixes: [...new Set(headline.applied)].join(' '), unsafe: c.unsafe });

      // The lens and the linter agree: what the original image removes later is flagged, and the safe fix recovers it.
      const findings = lintDetailed(text, { dockerignoreExists });
      if (sizes.before !== undefined) {
        const beforeImage = await saveImage(DOCKER, tagOf('before'), env);
        for (const w of removedLater(text, beforeImage)) {
          if (flaggedAt(findings, [w.line, ...w.removers]).length === 0) {
            problems.push(
              `lens: line ${w.line}: ${(w.bytes / MB).toFixed(1)} MB removed later at line ${w.removers.join(', ')} (${w.top.join('; ')}) but no rule flags it`,
            );
          }
        }
        for (const cache of shippedCaches(beforeImage)) {
          if (!findings.some((f) => f.rule === 'DS016' || f.rule === 'DS006')) {
            problems.push(`lens: ${(cache.bytes / MB).toFixed(1)} MB ${cache.what} ships but no rule flags it`);
          }
        }
      }
      if (sizes.safe !== undefined) {
        const safeImage = await saveImage(DOCKER, tagOf('safe'), env);
        for (const w of removedLater(safe.text, safeImage)) {
          problems.push(`lens after the safe fix: line ${w.line} still has ${(w.bytes / MB).toFixed(1)} MB removed later (${w.top.join('; ')})`);
        }
        for (const cache of shippedCaches(safeImage)) problems.push(`lens after the safe fix: ${(cache.bytes / MB).toFixed(1)} MB ${cache.what} still ships`);
      }

      const tool = sizes[c.unsafe ? 'unsafe' : 'safe'] ?? (c.unsafe ? sizes.safe : undefined);
      if (sizes.before !== undefined && tool !== undefined) {
        const saved = sizes.before - tool;
        if (saved < c.minSavedBytes) problems.push(`saved ${saved} B, expected at least ${c.minSavedBytes} B (${c.about})`);
        if (c.minShare !== undefined && sizes.hand !== undefined) {
          const handSaved = sizes.before - sizes.hand;
          if (saved < c.minShare * handSaved) {
            problems.push(
              `saved ${(saved / MB).toFixed(1)} MB = ${((100 * saved) / handSaved).toFixed(0)}% of the hand-optimised ${(handSaved / MB).toFixed(1)} MB (want ${100 * c.minShare}%)`,
            );
          }
        }
      }
      assert.deepEqual(problems, [], `${name}: ${c.about}`);
    } finally {
      for (const ctx of ctxs.values()) fs.rmSync(ctx, { recursive: true, force: true });
    }
  });
}
