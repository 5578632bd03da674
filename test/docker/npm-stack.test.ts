/**
 * npm lines measured by real builds (issues 24 and 26), with test/docker/npm-app (Express + pino + lodash + uuid + dotenv,
 * TypeScript and @types as devDependencies: 101 packages, 13 of them dev):
 *
 * 1. The `npm ci` line's estimate before the build (lockfile × registry sizes, `estimate`'s npm row) against its real
 *    layer (`docker history`): within 25%.
 * 2. DS010's Node conversion (a fresh `npm ci --omit=dev` in a prod-deps stage, its node_modules copied onto the slim
 *    image) builds, the image has no devDependency in node_modules, the app answers an HTTP request, and the
 *    production install's estimate matches the node_modules layer of the final image within 25%.
 *
 * Builds cannot reach the npm registry, so the host prepares an npm cache once (`npm ci --cache`, kept in
 * .cache/npm-app/npm-cache; $DSLIM_NPM_CACHE overrides) and the build mounts it from the context
 * (`RUN --mount=type=bind,…,rw npm ci --offline --cache /npm-cache`). The registry sizes are cached in
 * .cache/npm-app/sizes. With both caches present the suite costs two BuildKit builds that share the builder layers.
 *
 *   npm run compile && node --test out/test/docker/npm-stack.test.js
 *   DOCKER_TESTS=skip   skip the suite         NPM_STACK_RESULTS=FILE   write the measured sizes as JSON
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildModel } from '../../server/src/kernel/model.js';
import { fix, lintDetailed } from '../../server/src/engine/index.js';
import { npmRows, projectsOf } from '../../server/src/cli/estimate-npm.js';
import { contextFacts } from '../../server/src/cli/context-facts.js';
import { NpmSizeStore } from '../../common/src/npm-registry/size-store.js';
import { estimateNpmInstall } from '../../common/src/npm-registry/estimate.js';
import { DOCKER, dockerOk, dockerSkipReason, ensureStackImages, imageSize } from './buildkit.js';
import { repoRoot } from '../helpers/paths.js';

const APP = path.join(repoRoot, 'test', 'docker', 'npm-app');
const CACHE = path.join(repoRoot, '.cache', 'npm-app');
const NPM_CACHE = process.env.DSLIM_NPM_CACHE || path.join(CACHE, 'npm-cache');
const TAG = `dsl-node-stack-${process.pid}`;
const tags: string[] = [];
const results: Record<string, unknown> = {};

/** The host's npm cache of the app's lockfile (prepared once; needs the registry from the host). */
function prepareNpmCache(): string | undefined {
  const stamp = path.join(NPM_CACHE, '.dslim-lock');
  const lock = fs.readFileSync(path.join(APP, 'package-lock.json'), 'utf8');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock) return undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-npm-'));
  try {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(APP, f), path.join(tmp, f));
    const r = spawnSync('npm', ['ci', '--cache', NPM_CACHE, '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    if (r.status !== 0) return `the host could not fill the npm cache (registry unreachable?): ${(r.stderr || '').slice(-500)}`;
    fs.writeFileSync(stamp, lock);
    return undefined;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const dockerSkip = dockerSkipReason();
const skip = dockerSkip || prepareNpmCache() || false;
if (!skip) ensureStackImages('node');

after(() => {
  if (Object.keys(results).length) {
    console.log(`\n${JSON.stringify(results)}\n`);
    if (process.env.NPM_STACK_RESULTS) fs.writeFileSync(process.env.NPM_STACK_RESULTS, JSON.stringify(results, null, 2) + '\n');
  }
  if (!dockerSkip && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
});

/** A build context: the app (no node_modules/dist) and the npm cache under npm-cache/. */
function context(dockerfile: string, text: string): string {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-npmctx-'));
  fs.cpSync(APP, ctx, { recursive: true, filter: (src) => !/(^|\/)(node_modules|dist)$/.test(src) });
  fs.cpSync(NPM_CACHE, path.join(ctx, 'npm-cache'), { recursive: true });
  fs.writeFileSync(path.join(ctx, '.dockerignore'), 'node_modules\ndist\n');
  fs.writeFileSync(path.join(ctx, dockerfile), text);
  return ctx;
}

/** `docker history` layer sizes of an image by the instruction text they were created by. */
function layerOf(tag: string, created: RegExp): number {
  const lines = dockerOk(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', tag]).trim().split('\n');
  const hit = lines.find((l) => created.test(l.split('\t')[1] ?? ''));
  assert.ok(hit, `a layer created by ${created} in:\n${lines.join('\n')}`);
  return Number(hit.split('\t')[0]);
}

async function estimateRow(file: string, text: string, ctx: string, line: number): Promise<number> {
  const store = new NpmSizeStore({ dir: path.join(CACHE, 'sizes'), offline: false, log: (m) => console.log(m) });
  const rows = await npmRows(file, buildModel(text), projectsOf(file, text, ctx), store);
  const row = rows.find((r) => r.line === line);
  assert.ok(row && row.bytes !== null, `an npm row with a figure on line ${line}: ${JSON.stringify(rows)}`);
  assert.equal(row.unknown, 0, 'every package sized');
  return row.bytes;
}

const within = (estimate: number, real: number): number => (estimate - real) / real;

test(
  'npm ci: the estimate before the build is within 25% of the real layer; the Node conversion ships no devDependency and runs',
  { skip, timeout: 20 * 60_000 },
  async () => {
    const text = fs.readFileSync(path.join(APP, 'Dockerfile'), 'utf8');
    const ctx = context('Dockerfile', text);
    try {
      const file = path.join(ctx, 'Dockerfile');
      const installLine = text.split('\n').findIndex((l) => /npm ci/.test(l)) + 1;
      const estimate = await estimateRow(file, text, ctx, installLine);
      dockerOk(['build', '--progress=plain', '-t', `${TAG}:before`, ctx]);
      tags.push(`${TAG}:before`);
      const real = layerOf(`${TAG}:before`, /npm ci --offline/);
      results.npmCi = { estimate, real, diff: within(estimate, real) };
      assert.ok(Math.abs(within(estimate, real)) <= 0.25, `npm ci estimated ${estimate} B, real layer ${real} B`);

      // DS019 names the dev dependencies (no --omit=dev fix: the build needs them; DS010 converts).
      const options = { ...contextFacts(ctx, file, text), dockerignoreExists: true };
      const ds019 = lintDetailed(text, options).find((f) => f.rule === 'DS019');
      assert.match(ds019?.message ?? '', /installs the 4 devDependencies of package\.json into the image: 13 packages by package-lock\.json/);
      const converted = fix(text, { ...options, unsafe: true, only: ['DS010'] });
      assert.deepEqual(converted.applied, ['DS010']);
      assert.match(converted.text, /npm ci --offline --cache \/npm-cache --no-audit --no-fund --omit=dev/);
      fs.writeFileSync(path.join(ctx, 'slim.Dockerfile'), converted.text);
      dockerOk(['build', '--progress=plain', '-f', path.join(ctx, 'slim.Dockerfile'), '-t', `${TAG}:slim`, ctx]);
      tags.push(`${TAG}:slim`);
      const modules = dockerOk(['run', '--rm', `${TAG}:slim`, 'ls', '-A', '/app/node_modules', '/app/node_modules/@types']);
      assert.doesNotMatch(modules, /\btypescript\b/, 'typescript (a devDependency) is not in the final image');
      // npm leaves the scope folder of omitted packages behind, empty: no @types package ships.
      assert.equal((modules.split('/app/node_modules/@types:')[1] ?? '').trim(), '', '@types holds no package in the final image');
      assert.match(modules, /\bexpress\b/);
      const answer = dockerOk(['run', '--rm', `${TAG}:slim`, 'node', 'dist/index.js', '--smoke']);
      assert.match(answer, /hello from Express 36/);

      // The production install runs in prod-deps (not an image stage): its estimate is the lockfile's production share.
      const project = projectsOf(file, text, ctx)[0];
      assert.ok(project?.lock?.lockfile, 'the app lockfile read from the context');
      const sizes = new NpmSizeStore({ dir: path.join(CACHE, 'sizes'), offline: true, log: () => undefined });
      const prodEstimate = estimateNpmInstall(project.lock.lockfile, true, (n, v) => sizes.cached(n, v), project.lock.bytes).bytes;
      // The runtime stage copies prod-deps' node_modules: that layer is the production install.
      const prodReal = layerOf(`${TAG}:slim`, /COPY \/app\/node_modules/);
      results.omitDev = { estimate: prodEstimate, real: prodReal, diff: within(prodEstimate, prodReal) };
      results.images = { before: imageSize(`${TAG}:before`), slim: imageSize(`${TAG}:slim`) };
      assert.ok(Math.abs(within(prodEstimate, prodReal)) <= 0.25, `npm ci --omit=dev estimated ${prodEstimate} B, real layer ${prodReal} B`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  },
);

// The registry sizes were fetched once into .cache/npm-app/sizes; a second run reads them without the network.
test('the npm size cache answers offline', { skip }, () => {
  const store = new NpmSizeStore({ dir: path.join(CACHE, 'sizes'), offline: true, log: () => undefined });
  assert.ok(store.cached('express', '4.21.2')?.bytes, 'express 4.21.2 sized from the cache');
});
