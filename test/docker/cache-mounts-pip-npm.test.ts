/**
 * The pip (DS006) and npm (DS008) cache-mount alternatives, built for real with BuildKit (issue 26 step 6). Builds
 * cannot reach PyPI or the npm registry here, so the test serves a PEP 503 index and an npm registry from the host
 * (test/docker/package-server.ts, on docker0's address) with packages it writes itself. For each manager: the
 * Dockerfile as a user writes it, the mount applied by the engine, built twice (each build busts the RUN's layer cache
 * with a build argument; `--no-cache` would empty the cache mounts on Docker 20.10), the second build with one more
 * requirement. The server's log must show the first package downloaded once: the second build takes it from the mount.
 * The package imports in the image, and the image is no bigger than the one built as written.
 * Each run serves a version of its own (1.0.<run>), so the cache mounts of earlier runs never answer for it, and the
 * test needs no `builder prune` (which would empty every cache mount of the shared dockerd).
 *
 *   npm run compile && node --test out/test/docker/cache-mounts-pip-npm.test.js
 *   KEEP_IMAGES=1 keeps the dsl-pipnpm/* images; DOCKER_TESTS=skip skips the suite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';
import { buildkitBuild, DOCKER, dockerOk, dockerSkipReason, imageSize, ensureStackImages } from './buildkit.js';
import { bridgeHost, bridgeUnreachable, startPackageServer, writeTarball, writeWheel, type PackageServer } from './package-server.js';

const skip = dockerSkipReason();
const tags: string[] = [];
const run = `${Date.now() % 1e8}`;
const version = `1.0.${run}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-pipnpm-'));
const root = path.join(tmp, 'www');
let server: PackageServer | undefined;
let base = '';
let unreachable: string | false = false;

before(async () => {
  if (skip) return;
  ensureStackImages('python', 'node');
  for (const d of ['simple/demo-pkg', 'simple/demo-extra', 'files', 'npm', 'tgz']) fs.mkdirSync(path.join(root, d), { recursive: true });
  // PEP 503: /simple/<name>/ lists the files of a project.
  for (const [dist, mod] of [
    ['demo_pkg', 'demo_pkg'],
    ['demo_extra', 'demo_extra'],
  ] as const) {
    const whl = writeWheel(path.join(root, 'files'), dist, mod, version, `${mod} says hi`);
    const html = `<!DOCTYPE html><html><body><a href="/files/${whl}">${whl}</a></body></html>\n`;
    fs.writeFileSync(path.join(root, 'simple', dist.replace('_', '-'), 'index.html'), html);
  }
  server = await startPackageServer(root);
  base = `http://${bridgeHost()}:${server.port}`;
  // npm: GET /npm/<name> is the packument, its dist.tarball points back at the server.
  for (const name of ['demo-pkg', 'demo-extra']) {
    const { file, integrity } = writeTarball(path.join(root, 'tgz'), name, version, `${name} says hi`);
    const dist = { tarball: `${base}/tgz/${file}`, integrity };
    const packument = { name, 'dist-tags': { latest: version }, versions: { [version]: { name, version, main: 'index.js', dist } } };
    fs.writeFileSync(path.join(root, 'npm', name), JSON.stringify(packument));
  }
  fs.writeFileSync(path.join(root, 'ping'), 'pong');
  unreachable = bridgeUnreachable(`${base}/ping`, 'local/python:3.11');
});

after(() => {
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (!skip && process.env.KEEP_IMAGES !== '1' && tags.length) spawnSync(DOCKER, ['rmi', '-f', ...tags], { stdio: 'ignore' });
});

/** Builds `text` and returns the requests the server saw during the build. */
function build(text: string, tag: string): { log: string; requests: string[] } {
  tags.push(tag);
  const seen = server!.requests().length;
  const log = buildkitBuild(text, tag);
  return { log, requests: server!.requests().slice(seen) };
}

/** The downloads (200 answers) of package files in `requests`. */
const downloads = (requests: string[]): string[] => requests.filter((r) => /\.(whl|tgz) 200$/.test(r)).map((r) => r.split(' ')[1]!.replace(/^.*\//, ''));

function mounted(text: string, rule: string, target: string): string {
  const alt = lintDetailed(text).find((f) => f.rule === rule)?.alternatives?.[0];
  assert.ok(alt && !alt.safe && alt.buildkitOnly, `${rule} offers a BuildKit-only cache mount: ${alt?.title}`);
  const after = applyEdits(text, alt.edits);
  assert.match(after, new RegExp(`^RUN --mount=type=cache,id=\\w+,target=${target} `, 'm'), after);
  return after;
}

interface Case {
  manager: string;
  rule: string;
  target: string;
  written: (pkgs: string) => string;
  smoke: string[];
  expect: RegExp;
}

const cases: Case[] = [
  {
    manager: 'pip',
    rule: 'DS006',
    target: '/root/.cache/pip',
    written: (pkgs) => `FROM local/python:3.11\nRUN pip install --index-url ${base}/simple/ --trusted-host ${bridgeHost()} ${pkgs}\n`,
    smoke: ['python3', '-c', 'import demo_pkg; print(demo_pkg.hello())'],
    expect: /demo_pkg says hi/,
  },
  {
    manager: 'npm',
    rule: 'DS008',
    target: '/root/.npm',
    written: (pkgs) => `FROM local/node:18\nWORKDIR /app\nRUN npm install --registry ${base}/npm/ ${pkgs}\n`,
    smoke: ['node', '-e', 'console.log(require("/app/node_modules/demo-pkg").hello())'],
    expect: /demo-pkg says hi/,
  },
];

for (const c of cases) {
  test(`${c.manager} cache mount, real BuildKit builds: the second build takes the package from the mount`, { skip, timeout: 10 * 60_000 }, (t) => {
    if (unreachable) return t.skip(unreachable);
    const file = (name: string): string => (c.manager === 'pip' ? `${name.replace('-', '_')}-${version}-py3-none-any.whl` : `${name}-${version}.tgz`);
    const tag = (s: string): string => `dsl-pipnpm/${c.manager}-${s}`;

    const first = build(mounted(c.written('demo-pkg'), c.rule, c.target), tag('first'));
    assert.deepEqual(downloads(first.requests), [file('demo-pkg')], `the first build downloads the package:\n${first.log.slice(-3000)}`);
    assert.match(dockerOk(['run', '--rm', tag('first'), ...c.smoke]), c.expect, 'the package loads in the image');

    // One more requirement, and a fresh layer cache: only the new package is downloaded.
    const second = build(mounted(c.written('demo-pkg demo-extra'), c.rule, c.target), tag('second'));
    assert.deepEqual(
      downloads(second.requests),
      [file('demo-extra')],
      `demo-pkg comes from the cache mount:\n${second.requests.join('\n')}\n${second.log.slice(-3000)}`,
    );
    assert.match(dockerOk(['run', '--rm', tag('second'), ...c.smoke]), c.expect);

    // As written, the cache ships in the image (and the build downloads again: its cache is in no mount).
    const written = build(c.written('demo-pkg'), tag('as-written'));
    assert.deepEqual(downloads(written.requests), [file('demo-pkg')]);
    const [b, m] = [imageSize(tag('as-written')), imageSize(tag('first'))];
    console.log(
      `${c.manager}: as written ${b} B, with the cache mount ${m} B (${b - m} B less); package downloads: first build ` +
        `${downloads(first.requests).length}, second build (+demo-extra) ${downloads(second.requests).length}; ` +
        `second build's requests: ${second.requests.join(', ')}`,
    );
    assert.ok(m <= b, `the mount never makes the image bigger: ${m} B > ${b} B`);
  });
}
