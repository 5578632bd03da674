// Size estimates against real builds: three Dockerfiles (with and without recommends, several RUNs that build on
// each other, RUNs that install and then `purge --auto-remove` or `autoremove` in the same layer) built on the
// debootstrap bookworm base, which maps to debian/bookworm like the official image.
// Every estimated RUN must be within 25% of its real layer (docker history). The index comes from the Debian
// archive (network) into .cache/packages. Prints the README table. DOCKER_TESTS=0 skips it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildModel } from '../../server/src/kernel/model.js';
import { estimateModel } from '../../server/src/analysis/package-managers/estimate.js';
import { IndexStore } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { baseSet } from '../../common/src/package-index/base-set.js';
import { resolveInstall } from '../../common/src/package-index/resolve.js';
import { recommendsToKeep, reviewedPackages } from '../../server/src/analysis/package-managers/recommends.js';

const DOCKER = '/usr/bin/docker';
const SKIP = process.env['DOCKER_TESTS'] === '0';
const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'test', 'docker', 'package-estimates');
const built: string[] = [];
const run = promisify(execFile);

after(() => {
  if (built.length) execFileSync(DOCKER, ['rmi', '-f', ...built], { stdio: 'ignore' });
});

/** Layer sizes of the image, oldest first, as docker history reports them (bytes). */
async function layerSizes(tag: string): Promise<number[]> {
  const { stdout } = await run(DOCKER, ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}', tag]);
  return stdout.trim().split('\n').map(Number).reverse();
}

test('estimates are within 25% of real apt layers', { skip: SKIP && 'DOCKER_TESTS=0', timeout: 15 * 60_000 }, async () => {
  execFileSync(DOCKER, ['image', 'inspect', 'local/debian:bookworm'], { stdio: 'ignore' });
  const logs: string[] = [];
  const store = new IndexStore({ dir: join(ROOT, '.cache', 'packages'), offline: false, log: (m) => logs.push(m) });
  const base = releaseOfImage('local/debian:bookworm');
  assert.equal(base?.release, 'debian/bookworm');
  const index = base && (await store.ensure(base));
  assert.ok(index, `the bookworm index could not be fetched: ${logs.join('; ')}`);
  const files = ['norec.Dockerfile', 'rec.Dockerfile', 'purge.Dockerfile'];
  // Both builds at once: most of the time is apt downloading.
  const images = await Promise.all(
    files.map(async (f) => {
      const tag = `savings-packages/estimate-${f.replace('.Dockerfile', '')}:test`;
      await run(DOCKER, ['build', '-q', '-f', join(DIR, f), '-t', tag, DIR], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, maxBuffer: 16 << 20 });
      built.push(tag);
      return { f, tag, sizes: await layerSizes(tag) };
    }),
  );
  const rows: string[] = [];
  let checked = 0;
  for (const { f, sizes } of images) {
    const text = readFileSync(join(DIR, f), 'utf8');
    const model = buildModel(text);
    const { runs } = estimateModel(model, () => index);
    // One history entry per instruction after FROM (CMD too, with size 0).
    const own = model.instrs.filter((i) => i.keyword !== 'FROM');
    const baseLayers = sizes.length - own.length;
    for (const r of runs) {
      const real = sizes[baseLayers + own.indexOf(r.instr)];
      assert.ok(real !== undefined && real > 0, `${f}:${r.line} has a layer`);
      const err = (r.bytes - real) / real;
      const what = (text.split('\n')[r.line - 1] ?? '')
        .replace(/^RUN apt-get update && apt-get install -y /, '')
        .replace(/ && rm -rf .*$/, '')
        .replace(/ \\$/, r.removed ? ` (…, ${r.removed} removed again)` : '');
      rows.push(
        `| ${what} (${f}:${r.line}) | ${(r.bytes / 1e6).toFixed(1)} MB · ${r.packages} packages | ${(real / 1e6).toFixed(1)} MB | ${err >= 0 ? '+' : ''}${(err * 100).toFixed(1)}% |`,
      );
      assert.ok(Math.abs(err) <= 0.25, `${f}:${r.line}: estimate ${r.bytes} vs real ${real} (${(err * 100).toFixed(1)}%)`);
      checked++;
    }
  }
  console.log(['| package set | estimate | real layer | error |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  assert.equal(checked, 9);
});

test('the reviewed Recommends table keeps what the bookworm index says DS004 must keep', { skip: SKIP && 'DOCKER_TESTS=0', timeout: 5 * 60_000 }, async () => {
  const logs: string[] = [];
  const store = new IndexStore({ dir: join(ROOT, '.cache', 'packages'), offline: false, log: (m) => logs.push(m) });
  const base = releaseOfImage('debian:bookworm');
  const index = base && (await store.ensure(base));
  assert.ok(base && index, `the bookworm index could not be fetched: ${logs.join('; ')}`);
  const installed = baseSet(index, base.flavour);
  const source = (pkg: string): string[] | undefined => {
    if (!index.get(pkg)) return undefined;
    const kept = new Set(resolveInstall(index, { packages: [pkg], recommends: false }, installed).added.map((p) => p.name));
    return resolveInstall(index, { packages: [pkg], recommends: true }, installed)
      .added.map((p) => p.name)
      .filter((n) => !kept.has(n));
  };
  // Every need at once: the table must name every recommended package the index says a stage could need.
  const all = {
    tls: true,
    ssh: true,
    pipInstall: true,
    pipBuild: true,
    npmInstall: true,
    composer: true,
    cgo: true,
    compile: true,
    commands: { has: () => true },
  };
  const missed: string[] = [];
  for (const pkg of reviewedPackages()) {
    const fromIndex = recommendsToKeep([pkg], all, source);
    if (fromIndex.unsure) continue; // not in bookworm (another release's name)
    const fromTable = new Set(recommendsToKeep([pkg], all).keep);
    for (const k of fromIndex.keep) if (!fromTable.has(k)) missed.push(`${pkg} → ${k}`);
  }
  assert.deepEqual(missed, [], 'table entries that would drop what the index says is recommended and needed');
});
