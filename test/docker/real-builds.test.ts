/**
 * The real-build suite (issue 25): realistic Dockerfiles of the shapes that hold the bytes in real images (apt + build
 * from source with pipes and checksums, apt + pip wheels, `.deb` downloads, ARG/ENV package lists, swallowed errors),
 * under test/docker/real-builds/cases/<name>/ (Dockerfile, Dockerfile.hand, case.json). Each is built as written,
 * after `fix`, after `fix --unsafe` and as optimised by hand, with only local images and a local HTTPS mirror whose
 * private CA is trusted only once `ca-certificates` is installed (tls-mirror.ts). Every build must succeed and every
 * image pass the case's smoke tests (the program runs, its libraries load, HTTPS works): no fix may break a build or
 * lose the CA store. The table of sizes and shares goes to the console and .cache/real-builds-results.json
 * (docs/real-builds.md records a run). A case's `minShare` is the share of the hand saving its best working variant
 * must keep reaching.
 *
 *   npm run compile && node --test out/test/docker/real-builds.test.js
 *   REAL_BUILDS=all  every case (default: CI_CASES);  CASES=a,b  only these cases;  KEEP_IMAGES=1  keep the images;  DOCKER_TESTS=skip  skip the suite
 *   REAL_BUILDS_PARALLEL=1  one build at a time (default two)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix } from '../../server/src/engine/index.js';
import { repoRoot } from '../helpers/paths.js';
import { ensureCerts, ensureFiles, ensureTestcaBase, startMirror, TESTCA_BASE, type Mirror } from './tls-mirror.js';
import { ensureRealBuildFiles } from './real-builds/files.js';

interface Smoke {
  args: string[];
  expect: string;
}

interface Case {
  about: string;
  /** Regex the output of `docker run --rm IMAGE` must match, for every variant. */
  expect: string;
  /** Arguments for that first run instead of the image's command (a server's CMD never exits). */
  command?: string[];
  /** More smoke tests, run with --network=host (`$MIRROR` is replaced). */
  smoke: Smoke[];
  /** The best working variant must reach this share of the hand saving. */
  minShare?: number;
}

type Variant = 'before' | 'safe' | 'unsafe' | 'hand';
interface Result {
  name: string;
  sizes: Partial<Record<Variant, number>>;
  failed: Partial<Record<Variant, string>>;
  safeFixes: string[];
  unsafeFixes: string[];
}

const DOCKER = '/usr/bin/docker';
const MB = 1_000_000;
const casesDir = path.join(repoRoot, 'test', 'docker', 'real-builds', 'cases');
const cacheDir = path.join(repoRoot, '.cache');
const machineCache = process.env.DOCKER_ENGINE_CACHE ?? (process.getuid?.() === 0 ? '/var/cache/dockerfile-slim/docker' : undefined);
const tlsCacheDir = machineCache ? path.join(path.dirname(machineCache), 'proof') : cacheDir;
const env = { ...process.env, DOCKER_BUILDKIT: '1' };
const prefix = `dockerfile-slim-real-${process.pid}`;
/** Builds at a time (two by default; REAL_BUILDS_PARALLEL=1 on a shared machine). */
const parallel = Math.max(1, Number(process.env.REAL_BUILDS_PARALLEL ?? 2) || 2);
const results: Result[] = [];
const tags: string[] = [];
let mirror: Mirror | undefined;
let buildArgs: string[] = [];

function skipReason(): string | false {
  if (process.env.DOCKER_TESTS === 'skip') return 'DOCKER_TESTS=skip';
  if (!fs.existsSync(DOCKER)) return `${DOCKER} not installed`;
  const answers = spawnSync(DOCKER, ['version'], { env, stdio: 'ignore' }).status === 0;
  if (!answers && process.getuid?.() !== 0) return 'no running dockerd and not root (cannot start one)';
  return false;
}
const skip = skipReason();

function docker(args: string[], timeoutMs = 30 * 60_000): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(DOCKER, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-16_000)));
    p.on('error', fail);
    p.on('close', (code, signal) =>
      code === 0 ? ok(out) : fail(new Error(`docker ${args.slice(0, 3).join(' ')} … failed (${code ?? signal}):\n${(err || out).slice(-3000)}`)),
    );
  });
}

/**
 * What `npm run test:docker` builds by default, to keep CI within its time budget (each case is four builds, most with
 * a toolchain): one build from source, one pip wheel, one .deb, the swallowed download. REAL_BUILDS=all builds all.
 */
const CI_CASES = ['c-tinyget-pipe-checksum', 'pip-wheel-https', 'deb-dpkg-fallback', 'swallowed-braces-download'];
const names = fs.existsSync(casesDir)
  ? fs
      .readdirSync(casesDir)
      .filter((n) => fs.existsSync(path.join(casesDir, n, 'case.json')))
      .filter((n) => (process.env.CASES ? process.env.CASES.split(',').includes(n) : process.env.REAL_BUILDS === 'all' || CI_CASES.includes(n)))
      .sort()
  : [];

before(async () => {
  if (skip) return;
  const script = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [script, 'images'], { stdio: 'inherit', timeout: 30 * 60_000 });
  const certs = ensureCerts(path.join(tlsCacheDir, 'proof-tls'));
  ensureTestcaBase(certs.ca);
  // The cases say `FROM testca/debian:bookworm`, a name that reads as Debian bookworm (as a registry mirror's would), so
  // the rules know the release as they would for `debian:bookworm`; it is the test-CA base under another tag.
  execFileSync(DOCKER, ['tag', TESTCA_BASE, 'testca/debian:bookworm'], { env, stdio: 'pipe' });
  // Conversions put the runtime stage on the slim image of the builder's release: the same base here (as
  // local/debian:bookworm-slim is local/debian:bookworm), so the runtime trusts the mirror once ca-certificates is in.
  execFileSync(DOCKER, ['tag', TESTCA_BASE, 'testca/debian:bookworm-slim'], { env, stdio: 'pipe' });
  const extra = ensureRealBuildFiles(path.join(tlsCacheDir, 'real-builds-mirror'));
  const files = new Map([...ensureFiles(path.join(tlsCacheDir, 'proof-mirror')), ...extra.files]);
  // A port of its own, so this suite and fixes.test.ts can run side by side.
  mirror = await startMirror(certs, files, 18444, 90 * 60_000);
  buildArgs = [
    '--build-arg',
    `MIRROR=${mirror.url}`,
    '--build-arg',
    `TINYGET_SHA256=${extra.sha256['tinyget-1.0.tar.gz']}`,
    '--build-arg',
    `ZSUM_SHA256=${extra.sha256['zsum-1.0.tar.gz']}`,
  ];
});

const pct = (x: number): string => `${Math.round(100 * x)}%`;
const mbs = (b: number | undefined): string => (b === undefined ? '—' : `${(b / MB).toFixed(1)}`);

/** Saving of a variant as a share of the hand saving (0 when it fails or saves nothing). */
function share(r: Result, v: Variant): number | undefined {
  const b = r.sizes.before;
  const h = r.sizes.hand;
  const s = r.sizes[v];
  if (b === undefined || h === undefined || b <= h) return undefined;
  if (s === undefined || r.failed[v]) return 0;
  return (b - s) / (b - h);
}

/** The table docs/real-builds.md shows: sizes in MB, the share of the hand saving each variant reaches, and a total row. */
export function table(rs: readonly Result[]): string {
  const head =
    '| case | before | safe fix | unsafe fix | by hand | safe share | best share | fixes (safe; unsafe adds) |\n|---|---:|---:|---:|---:|---:|---:|---|';
  const sum = { before: 0, safe: 0, best: 0, hand: 0 };
  const rows = rs.map((r) => {
    const b = r.sizes.before ?? 0;
    const safe = r.failed.safe ? b : (r.sizes.safe ?? b);
    const unsafe = r.failed.unsafe ? safe : (r.sizes.unsafe ?? safe);
    const best = Math.min(safe, unsafe);
    sum.before += b;
    sum.safe += safe;
    sum.best += best;
    sum.hand += r.sizes.hand ?? b;
    const cell = (v: Variant): string => (r.failed[v] ? 'FAILS' : r.sizes[v] === undefined ? '= ' + (v === 'unsafe' ? 'safe' : 'before') : mbs(r.sizes[v]));
    const sh = share(r, 'safe') ?? 0;
    const bestShare = Math.max(sh, share(r, 'unsafe') ?? sh);
    const fixes = `${[...new Set(r.safeFixes)].join(' ') || '—'}; ${[...new Set(r.unsafeFixes.filter((f) => !r.safeFixes.includes(f)))].join(' ') || '—'}`;
    return `| ${r.name} | ${mbs(r.sizes.before)} | ${cell('safe')} | ${cell('unsafe')} | ${cell('hand')} | ${pct(sh)} | ${pct(bestShare)} | ${fixes} |`;
  });
  const handSaved = sum.before - sum.hand;
  const total = `| **all ${rs.length}** | ${mbs(sum.before)} | ${mbs(sum.safe)} | ${mbs(sum.best)} (best) | ${mbs(sum.hand)} | ${pct((sum.before - sum.safe) / handSaved)} | ${pct((sum.before - sum.best) / handSaved)} | |`;
  return [head, ...rows, total].join('\n');
}

after(async () => {
  await mirror?.close();
  if (results.length) {
    results.sort((a, b) => a.name.localeCompare(b.name));
    console.log('\n' + table(results) + '\n');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(
      path.join(cacheDir, process.env.CASES ? `real-builds-results-${process.pid}.json` : 'real-builds-results.json'),
      JSON.stringify(results, null, 2),
    );
  }
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { env, stdio: 'ignore' });
});

async function buildAndSmoke(text: string, tag: string, c: Case): Promise<number> {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-real-'));
  try {
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), text);
    tags.push(tag);
    await docker(['build', '--network=host', ...buildArgs, '-t', tag, ctx]);
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
  assert.match(await docker(['run', '--rm', tag, ...(c.command ?? [])], 5 * 60_000), new RegExp(c.expect, 'm'), `${tag} runs its command`);
  for (const s of c.smoke) {
    const args = s.args.map((a) => a.replaceAll('$MIRROR', mirror?.url ?? ''));
    assert.match(await docker(['run', '--rm', '--network=host', tag, ...args], 5 * 60_000), new RegExp(s.expect, 'm'), `${tag} ${args.join(' ')}`);
  }
  return Number((await docker(['image', 'inspect', '-f', '{{.Size}}', tag])).trim());
}

for (const name of names) {
  test(`real build suite: ${name}`, { skip, timeout: 60 * 60_000 }, async () => {
    const dir = path.join(casesDir, name);
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as Case;
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    // The context holds only the Dockerfile: a .dockerignore would change nothing.
    const safe = fix(text, { dockerignoreExists: true });
    const unsafe = fix(text, { unsafe: true, dockerignoreExists: true });
    const variants: Array<[Variant, string]> = [['before', text]];
    if (safe.text !== text) variants.push(['safe', safe.text]);
    if (unsafe.text !== safe.text) variants.push(['unsafe', unsafe.text]);
    variants.push(['hand', fs.readFileSync(path.join(dir, 'Dockerfile.hand'), 'utf8')]);
    const r: Result = { name, sizes: {}, failed: {}, safeFixes: safe.applied, unsafeFixes: unsafe.applied };
    for (let i = 0; i < variants.length; i += parallel) {
      const done = await Promise.allSettled(
        variants.slice(i, i + parallel).map(async ([v, body]) => (r.sizes[v] = await buildAndSmoke(body, `${prefix}/${name}:${v}`, c))),
      );
      done.forEach((d, k) => {
        const v = variants[i + k]![0];
        if (d.status === 'rejected') r.failed[v] = String((d.reason as Error).message ?? d.reason).slice(-1500);
      });
    }
    results.push(r);
    const problems = Object.entries(r.failed).map(([v, why]) => `${v}: ${why}`);
    if (c.minShare !== undefined && !r.failed.before && !r.failed.hand) {
      const best = Math.max(share(r, 'safe') ?? 1, share(r, 'unsafe') ?? 0);
      if (best < c.minShare) problems.push(`best working variant reaches ${pct(best)} of the hand saving (want ${pct(c.minShare)})`);
    }
    assert.deepEqual(problems, [], `${name}: ${c.about}`);
  });
}
