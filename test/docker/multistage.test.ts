/**
 * DS010's multi-stage conversions proven by real builds, one realistic case per stack under
 * test/docker/multistage/<case>/ (Dockerfile, hand.Dockerfile, context, case.json). Each case is
 * built three times with the real dockerd: as written, after `fix --unsafe` (the conversion plus
 * every other fix), and the hand-optimised version a careful engineer would write. All three must
 * run and print `expect`; the tool's saving must reach `minShare` of the hand-optimised saving.
 * Base images come from scripts/stack-images.sh (Debian packages on local/debian:bookworm); the
 * dependencies are vendored in each context (no npm or PyPI registry).
 *
 *   npm run compile && node --test out/test/docker/multistage.test.js
 *   MULTISTAGE_ONLY=node,c    only these stacks     KEEP_IMAGES=1    keep dsl-multistage/* images
 *   MULTISTAGE_RESULTS=FILE   write the measured sizes as JSON (README table)
 *   REAL_BUILDS=all           also the cases marked `slow` (java-jlink: DS020 alone)
 *   DOCKER_TESTS=skip         skip the suite
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fix, lint } from '../../server/src/engine/index.js';
import { repoRoot } from '../helpers/paths.js';

interface Case {
  about: string;
  stack: 'node' | 'python' | 'java' | 'c' | 'go' | 'rust';
  expect: string;
  /** Tool's saving ÷ hand-optimised saving must be at least this. */
  minShare: number;
  /** The rule whose conversion the case proves (default DS010; DS020 is the jlink runtime). */
  rule?: string;
  /** The tool's image must be at most this share of the image as written. */
  maxOfBefore?: number;
  /** Built only with REAL_BUILDS=all (keeps the docker tier within its time budget). */
  slow?: boolean;
}

const DOCKER = '/usr/bin/docker';
const casesDir = path.join(repoRoot, 'test', 'docker', 'multistage');
const env = { ...process.env, DOCKER_BUILDKIT: '1' };
const tags: string[] = [];
const results: Record<string, unknown>[] = [];

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

function build(ctx: string, dockerfile: string, tag: string): number {
  const net = process.env.BUILD_NETWORK === 'host' ? ['--network=host'] : [];
  docker(['build', ...net, '-f', path.join(ctx, dockerfile), '-t', tag, ctx]);
  tags.push(tag);
  return Number(docker(['image', 'inspect', '-f', '{{.Size}}', tag]).trim());
}

const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;

function comments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

const only = process.env.MULTISTAGE_ONLY?.split(',').filter(Boolean);
const names = fs.existsSync(casesDir)
  ? fs
      .readdirSync(casesDir)
      .filter((n) => fs.existsSync(path.join(casesDir, n, 'case.json')))
      .sort()
  : [];
const cases = names
  .map((name) => ({ name, c: JSON.parse(fs.readFileSync(path.join(casesDir, name, 'case.json'), 'utf8')) as Case }))
  .filter(({ c }) => !only || only.includes(c.stack))
  .filter(({ c }) => !c.slow || process.env.REAL_BUILDS === 'all');

before(() => {
  if (skip) return;
  const engine = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [engine, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [engine, 'images'], { stdio: 'inherit', timeout: 30 * 60_000, env: { ...process.env, IMAGES: 'debian golang' } });
  const stacks = [...new Set(cases.map(({ c }) => c.stack).filter((s) => s !== 'go'))];
  if (stacks.length) execFileSync('bash', [path.join(repoRoot, 'scripts', 'stack-images.sh'), ...stacks], { stdio: 'inherit', timeout: 40 * 60_000 });
});

after(() => {
  if (results.length) {
    console.log('\n' + results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (process.env.MULTISTAGE_RESULTS) fs.writeFileSync(process.env.MULTISTAGE_RESULTS, JSON.stringify(results, null, 2) + '\n');
  }
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { env, stdio: 'ignore' });
});

for (const { name, c } of cases) {
  test(`multi-stage real build: ${name}`, { skip, timeout: 40 * 60_000 }, () => {
    const dir = path.join(casesDir, name);
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    const rule = c.rule ?? 'DS010';
    const ds010 = lint(text).find((f) => f.rule === rule);
    assert.ok(ds010?.fix && !ds010.fix.safe, `${rule} offers an unsafe conversion: ${JSON.stringify(ds010)}`);
    const fixed = fix(text, { unsafe: true, dockerignoreExists: true });
    assert.ok(fixed.applied.includes(rule), `conversion applied (applied: ${fixed.applied.join(' ')})`);
    assert.ok(!lint(fixed.text).some((f) => f.rule === rule), `converted file is clean of ${rule}:\n${fixed.text}`);
    for (const cm of comments(text)) assert.ok(fixed.text.includes(cm), `comment kept: ${cm}`);
    assert.equal(fix(fixed.text, { unsafe: true, dockerignoreExists: true }).text, fixed.text, 'fix is idempotent');

    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-ms-'));
    try {
      fs.cpSync(dir, ctx, { recursive: true, filter: (src) => path.basename(src) !== 'case.json' });
      fs.writeFileSync(path.join(ctx, 'tool.Dockerfile'), fixed.text);
      const tag = `dsl-multistage/${name}`;
      const sizes = {
        before: build(ctx, 'Dockerfile', `${tag}:before`),
        tool: build(ctx, 'tool.Dockerfile', `${tag}:tool`),
        hand: build(ctx, 'hand.Dockerfile', `${tag}:hand`),
      };
      const re = new RegExp(c.expect, 'm');
      for (const v of ['before', 'tool', 'hand']) {
        const out = docker(['run', '--rm', `${tag}:${v}`], 5 * 60_000);
        assert.match(out, re, `${tag}:${v} runs the program`);
      }
      const toolSaved = sizes.before - sizes.tool;
      const handSaved = sizes.before - sizes.hand;
      const share = toolSaved / handSaved;
      results.push({
        case: name,
        stack: c.stack,
        before: mb(sizes.before),
        tool: mb(sizes.tool),
        hand: mb(sizes.hand),
        share: `${(100 * share).toFixed(0)}%`,
        title: ds010.fix.title,
        bytes: sizes,
      });
      if (c.maxOfBefore !== undefined) {
        assert.ok(sizes.tool <= c.maxOfBefore * sizes.before, `tool image ${mb(sizes.tool)} is more than ${100 * c.maxOfBefore}% of ${mb(sizes.before)}`);
      }
      assert.ok(share >= c.minShare, `tool saved ${mb(toolSaved)}, hand ${mb(handSaved)}: ${(100 * share).toFixed(0)}% < ${100 * c.minShare}% (${c.about})`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });
}
