/**
 * npm estimates (issue 24 step 4) and DS019's inputs: lockfiles (package-lock v2/v3, yarn.lock v1), the registry size
 * cache against a real local HTTP server (unpackedSize, or the tarball measured and checked against its integrity),
 * which RUNs install and whether they leave dev dependencies out, and the `estimate` npm row of the CLI.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePackageLock, parseYarnLock } from '../../common/src/npm-registry/lockfile.js';
import { NpmSizeStore, versionUrl } from '../../common/src/npm-registry/size-store.js';
import { tarballSize } from '../../common/src/npm-registry/tarball.js';
import { estimateNpmInstall } from '../../common/src/npm-registry/estimate.js';
import { nodeProjects, withNpmSizes } from '../../common/src/build-context/node-projects.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { nodeInstalls } from '../../server/src/analysis/package-managers/node-installs.js';
import { npmEstimates } from '../../server/src/analysis/package-managers/npm-estimate.js';
import { estimateCommand } from '../../server/src/cli/estimate-command.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-npm-unit-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LOCK = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', dependencies: { express: '^4' }, devDependencies: { typescript: '^5' } },
    'node_modules/express': { version: '4.21.2', resolved: 'https://registry.npmjs.org/express/-/express-4.21.2.tgz' },
    'node_modules/@scope/util': { version: '1.0.0', resolved: 'https://registry.npmjs.org/@scope/util/-/util-1.0.0.tgz' },
    'node_modules/typescript': { version: '5.7.2', dev: true, resolved: 'https://registry.npmjs.org/typescript/-/typescript-5.7.2.tgz' },
    'node_modules/fsevents': { version: '2.3.3', optional: true, os: ['darwin'] },
    'node_modules/@esbuild/linux-x64': { version: '0.20.0', optional: true, os: ['linux'], cpu: ['x64'] },
    'node_modules/local': { version: '1.0.0', resolved: 'file:vendor/local' },
    'packages/ws': { version: '1.0.0' },
    'node_modules/ws': { resolved: 'packages/ws', link: true },
    'node_modules/express/node_modules/qs': { version: '6.13.0' },
  },
});

test('package-lock v3: names (scoped, nested), dev flags, platform-bound optionals left out, links skipped, file: not from the registry', () => {
  const lock = parsePackageLock(LOCK);
  assert.equal(lock.kind, 'npm');
  assert.deepEqual(
    lock.entries.map((e) => `${e.name}@${e.version}${e.dev ? ' dev' : ''}${e.registry ? '' : ' local'}`),
    ['express@4.21.2', '@scope/util@1.0.0', 'typescript@5.7.2 dev', '@esbuild/linux-x64@0.20.0', 'local@1.0.0 local', 'qs@6.13.0'],
  );
  assert.throws(() => parsePackageLock(JSON.stringify({ lockfileVersion: 1, dependencies: {} })), /v2 or v3/);
});

test('yarn.lock v1: dev is what package.json dependencies do not reach', () => {
  const text = [
    '# yarn lockfile v1',
    '',
    '"@types/node@^18":',
    '  version "18.19.68"',
    '  resolved "https://registry.yarnpkg.com/@types/node/-/node-18.19.68.tgz"',
    '',
    'express@^4, express@^4.21.0:',
    '  version "4.21.2"',
    '  resolved "https://registry.yarnpkg.com/express/-/express-4.21.2.tgz"',
    '  dependencies:',
    '    qs "6.13.0"',
    '',
    'qs@6.13.0:',
    '  version "6.13.0"',
    '',
  ].join('\n');
  const lock = parseYarnLock(text, { dependencies: { express: '^4' } });
  assert.deepEqual(
    lock.entries.map((e) => `${e.name}@${e.version}${e.dev ? ' dev' : ''}`),
    ['@types/node@18.19.68 dev', 'express@4.21.2', 'qs@6.13.0'],
  );
  assert.throws(() => parseYarnLock('__metadata:\n  version: 6\n', {}), /Yarn 2\+/);
});

function tgz(files: Record<string, number>): Buffer {
  const dir = fs.mkdtempSync(path.join(tmp, 'pkg-'));
  for (const [name, size] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'package', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package', name), Buffer.alloc(size, 7));
  }
  execFileSync('tar', ['czf', path.join(dir, 'p.tgz'), '-C', dir, 'package']);
  return fs.readFileSync(path.join(dir, 'p.tgz'));
}

test('tarball sizes: regular files summed from the tar headers', () => {
  assert.deepEqual(tarballSize(tgz({ 'package.json': 120, 'lib/a.js': 5000, 'lib/deep/b.js': 70_000 })), { bytes: 75_120, files: 3 });
});

test('the size cache: unpackedSize, else the tarball checked against its integrity; 404 remembered; offline reads only', async () => {
  const ball = tgz({ 'package.json': 100, 'index.js': 4000 });
  const integrity = `sha512-${crypto.createHash('sha512').update(ball).digest('base64')}`;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const url = req.url ?? '';
    const json = (o: object): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (url === '/express/4.21.2') return json({ name: 'express', version: '4.21.2', dist: { unpackedSize: 220_000, fileCount: 16 } });
    if (url === '/@scope%2Futil/1.0.0') {
      return json({ name: '@scope/util', version: '1.0.0', dist: { tarball: `http://127.0.0.1:${port}/t/util.tgz`, integrity } });
    }
    if (url === '/bad/1.0.0') {
      return json({ name: 'bad', version: '1.0.0', dist: { tarball: `http://127.0.0.1:${port}/t/util.tgz`, integrity: 'sha512-AAAA' } });
    }
    if (url === '/t/util.tgz') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(ball);
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const dir = path.join(tmp, 'sizes');
    const registry = `http://127.0.0.1:${port}`;
    assert.equal(versionUrl(registry, '@scope/util', '1.0.0'), `${registry}/@scope%2Futil/1.0.0`);
    const store = new NpmSizeStore({ dir, offline: false, registry, log: () => undefined });
    const wanted = ['express@4.21.2', '@scope/util@1.0.0', 'gone@1.0.0', 'bad@1.0.0'].map((k) => ({
      name: k.slice(0, k.lastIndexOf('@')),
      version: k.slice(k.lastIndexOf('@') + 1),
    }));
    assert.equal(await store.ensure(wanted), 3);
    assert.deepEqual(store.cached('express', '4.21.2'), { bytes: 220_000, files: 16 });
    assert.deepEqual(store.cached('@scope/util', '1.0.0'), { bytes: 4100, files: 2 });
    assert.equal(store.cached('gone', '1.0.0'), null, 'not found: remembered as unknown');
    assert.equal(store.cached('bad', '1.0.0'), undefined, 'a tarball that fails its integrity is no answer');
    const before = requests;
    const offline = new NpmSizeStore({ dir, offline: true, registry, log: () => undefined });
    assert.equal(await offline.ensure(wanted), 0);
    assert.equal(requests, before, 'offline: no request');
    assert.deepEqual(offline.cached('express', '4.21.2'), { bytes: 220_000, files: 16 });
  } finally {
    server.close();
  }
});

test('installs: npm ci/install/yarn/pnpm, production by flag or NODE_ENV, package names are not lockfile installs', () => {
  const text = [
    'FROM node:20',
    'WORKDIR /app',
    'COPY package*.json ./',
    'RUN npm ci',
    'RUN npm ci --omit=dev',
    'RUN npm ci --omit dev',
    'RUN NODE_ENV=production npm ci',
    'RUN export NODE_ENV=production && npm install',
    'RUN npm install express',
    'RUN yarn --frozen-lockfile --production',
    'RUN pnpm install --prod',
    'RUN npm ci --include=dev',
    'ENV NODE_ENV=production',
    'RUN npm ci',
  ].join('\n');
  const model = buildModel(text);
  const got = nodeInstalls(model, model.stages[0] as (typeof model.stages)[number]).map(
    (i) => `${i.instr.line + 1} ${i.manager} ${i.production ? 'prod' : 'all'}`,
  );
  assert.deepEqual(got, ['4 npm all', '5 npm prod', '6 npm prod', '7 npm prod', '8 npm prod', '10 yarn prod', '11 pnpm prod', '12 npm all', '14 npm prod']);
});

test('estimate rows: the lockfile from the context, production-only, dev share for DS019; the CLI prints kind npm', async () => {
  const ctx = path.join(tmp, 'ctx');
  fs.mkdirSync(ctx, { recursive: true });
  fs.writeFileSync(
    path.join(ctx, 'package.json'),
    JSON.stringify({ dependencies: { express: '^4' }, devDependencies: { typescript: '^5' }, scripts: { postinstall: 'node x.js' } }),
  );
  fs.writeFileSync(path.join(ctx, 'package-lock.json'), LOCK);
  const text = 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nRUN npm ci --omit=dev\n';
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), text);
  const projects = nodeProjects(ctx, ['package.json', 'package-lock.json']);
  assert.equal(projects[0]?.installScripts.postinstall, 'node x.js');
  const sizes: Record<string, number> = { express: 220_000, '@scope/util': 4100, typescript: 23_000_000, '@esbuild/linux-x64': 9_000_000, qs: 300_000 };
  const sizeOf = (n: string): { bytes: number; files: number } | undefined => (sizes[n] ? { bytes: sizes[n] as number, files: 1 } : undefined);
  const rows = npmEstimates(buildModel(text), projects, sizeOf);
  const lockBytes = Buffer.byteLength(LOCK);
  assert.deepEqual(
    rows.map((r) => [r.line, r.bytes, r.packages, r.unknown, r.production]),
    [
      [4, lockBytes + 220_000 + 4100 + 23_000_000 + 9_000_000 + 300_000, 6, 1, false],
      [5, lockBytes + 220_000 + 4100 + 9_000_000 + 300_000, 5, 1, true],
    ],
  );
  assert.equal(estimateNpmInstall(projects[0]?.lock?.lockfile as never, true, sizeOf).devBytes, 23_000_000);
  assert.deepEqual(withNpmSizes(projects, sizeOf)[0]?.devShare, { packages: 1, bytes: 23_000_000, unknown: 0 });

  // The CLI, offline with an empty cache: the rows are there with no figure and say why.
  const out: string[] = [];
  const status = await estimateCommand(
    ['--format', 'json', '--offline', '--no-docker', '--index-dir', path.join(tmp, 'empty'), '--context', ctx, path.join(ctx, 'Dockerfile')],
    (f) => fs.readFileSync(f, 'utf8'),
    (s) => out.push(s),
    () => undefined,
  );
  assert.equal(status, 0);
  const npm = (JSON.parse(out.join('\n')) as Array<{ kind?: string; line: number; bytes: number | null; reason?: string; lockfile?: string }>).filter(
    (r) => r.kind === 'npm',
  );
  assert.deepEqual(
    npm.map((r) => [r.line, r.bytes, r.lockfile]),
    [
      [4, null, 'package-lock.json'],
      [5, null, 'package-lock.json'],
    ],
  );
  assert.match(npm[0]?.reason ?? '', /registry metadata not fetched/);
});
