/**
 * The apt cache-mount alternative (DS003), built for real with BuildKit on local/debian:bookworm (the official image's
 * apt settings, docker-clean included): the program runs, the lists and .debs stay out of the image, docker-clean is
 * back in place for later RUNs, and a second build with one more package takes the first package's .deb from the
 * cache instead of downloading it again — which it would not without setting docker-clean aside (the control build).
 *
 *   npm run compile && node --test out/test/docker/cache-mounts-apt.test.js
 *   KEEP_IMAGES=1 keeps the dsl-aptmount/* images; DOCKER_TESTS=skip skips the suite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';
import { repoRoot } from '../helpers/paths.js';
import { buildkitBuild, DOCKER, dockerOk, dockerSkipReason, imageSize } from './buildkit.js';

const tags: string[] = [];
const skip = dockerSkipReason();
const ok = dockerOk;
const size = imageSize;

function build(text: string, tag: string): string {
  tags.push(tag);
  return buildkitBuild(text, tag);
}

/** `Get:N http://… bookworm/main amd64 PKG amd64 …`: the .debs apt downloaded in a build. */
const downloaded = (log: string): string[] => [...log.matchAll(/Get:\d+ \S+ \S+ (?:amd64|all) ([a-z0-9.+-]+) /g)].map((m) => m[1]!);

/** The paths below `dirs` that the image holds (read with `docker export`: no tool in the image is needed). */
function filesUnder(tag: string, dirs: string[]): string[] {
  const cid = ok(['create', tag]).trim();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-aptmount-fs-'));
  try {
    const tar = path.join(tmp, 'fs.tar');
    ok(['export', '-o', tar, cid]);
    const rel = dirs.map((d) => d.slice(1));
    return execFileSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      .split('\n')
      .filter((e) => rel.some((r) => e === r || e.startsWith(`${r}/`)));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    spawnSync(DOCKER, ['rm', cid], { stdio: 'ignore' });
  }
}

before(() => {
  if (skip) return;
  const engine = path.join(repoRoot, 'scripts', 'docker-engine.sh');
  execFileSync('bash', [engine, 'start'], { stdio: 'inherit', timeout: 10 * 60_000 });
  execFileSync('bash', [engine, 'images'], { stdio: 'inherit', timeout: 30 * 60_000, env: { ...process.env, IMAGES: 'debian' } });
});

after(() => {
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
});

const written = (pkgs: string): string =>
  `FROM local/debian:bookworm\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends ${pkgs}\nCMD ["hello"]\n`;

function mounted(text: string): string {
  const alt = lintDetailed(text).find((f) => f.rule === 'DS003')?.alternatives?.[0];
  assert.ok(alt && !alt.safe && /docker-clean set aside/.test(alt.title), `DS003 offers the apt cache mount: ${alt?.title}`);
  return applyEdits(text, alt.edits);
}

test('apt cache mount, real BuildKit builds: runs, nothing cached ships, docker-clean restored, the .deb reused', { skip, timeout: 30 * 60_000 }, () => {
  // Start from empty cache mounts, so the first build really downloads.
  ok(['builder', 'prune', '-f', '--filter', 'type=exec.cachemount']);
  const first = build(mounted(written('hello')), 'dsl-aptmount/first');
  assert.ok(downloaded(first).includes('hello'), `the first build downloads hello:\n${first.slice(-3000)}`);
  assert.match(ok(['run', '--rm', 'dsl-aptmount/first']), /Hello, world!/);
  assert.deepEqual(
    filesUnder('dsl-aptmount/first', ['/var/lib/apt/lists', '/var/cache/apt']).filter((e) => !/\/$/.test(e)),
    [],
    'no package list, .deb or pkgcache in the image',
  );
  const confs = filesUnder('dsl-aptmount/first', ['/etc/apt']);
  assert.ok(confs.includes('etc/apt/apt.conf.d/docker-clean'), 'docker-clean is back for later RUNs');
  assert.ok(!confs.some((e) => e.includes('docker-clean.dockerfile-slim')), 'nothing left aside');

  // One more package: hello comes from the cache mount, only tree is downloaded.
  const second = build(mounted(written('hello tree')), 'dsl-aptmount/second');
  assert.ok(downloaded(second).includes('tree'), second.slice(-3000));
  assert.ok(!downloaded(second).includes('hello'), `hello comes from the cache mount, not the mirror:\n${second.slice(-3000)}`);

  // Control: the mounts alone (docker-clean left in place) keep nothing, so hello is downloaded again.
  const plainMounts = mounted(written('hello'))
    .replace(/mv \/etc\/apt\/apt\.conf\.d\/docker-clean \S+ 2>\/dev\/null; /, '')
    .replace(/ &&(?: \\\r?\n\s*| )\{ mv [^}]*\}/, '');
  assert.ok(!plainMounts.includes('docker-clean'), plainMounts);
  ok(['builder', 'prune', '-f', '--filter', 'type=exec.cachemount']);
  build(plainMounts, 'dsl-aptmount/control');
  const listing = build(
    'FROM local/debian:bookworm\nRUN --mount=type=cache,id=apt-cache,target=/var/cache/apt,sharing=locked find /var/cache/apt -name "*.deb" | sed "s/^/deb: /"\n',
    'dsl-aptmount/control-listing',
  );
  assert.doesNotMatch(listing, /deb: \S*hello/, 'without setting docker-clean aside the .deb cache stays empty');
  assert.match(first, /Setting up hello/);

  // As written, the lists ship: the mount never makes the image bigger.
  build(written('hello'), 'dsl-aptmount/as-written');
  const [before, withMount] = [size('dsl-aptmount/as-written'), size('dsl-aptmount/first')];
  console.log(`apt: as written ${(before / 1e6).toFixed(1)} MB, with the cache mount ${(withMount / 1e6).toFixed(1)} MB`);
  assert.ok(before - withMount > 5e6, `the lists stay out of the image (${before - withMount} B)`);
});
