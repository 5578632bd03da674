/**
 * Where indexes come from: the release of an image tag, downloads from a local HTTP server
 * (gzip, HTML answers, hangs, truncation, 404), the on-disk cache, offline mode. No network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import { fetchGzipText, gunzipIndex } from '../../common/src/package-index/fetch.js';
import { cacheFile, IndexStore, REFRESH_MS, sourceUrls } from '../../common/src/package-index/store.js';
import { EXCERPT } from './packages-fixtures.js';
import { gpgAvailable, makeKey, releaseText, type TestKey } from '../helpers/signed-mirror.js';

test('release from the base image tag', () => {
  const cases: Record<string, string | undefined> = {
    'debian:bookworm': 'debian/bookworm minbase',
    'debian:12-slim': 'debian/bookworm minbase',
    'debian:12.7': 'debian/bookworm minbase',
    'debian:bookworm-20240110-slim': 'debian/bookworm minbase',
    'docker.io/library/debian:bookworm@sha256:abc': 'debian/bookworm minbase',
    'local/debian:bookworm': 'debian/bookworm minbase',
    'debian:stable-slim': 'debian/trixie minbase',
    'debian:trixie': 'debian/trixie minbase',
    'python:3.12-slim-bookworm': 'debian/bookworm python-slim',
    'python:3.12-bookworm': 'debian/bookworm buildpack',
    'node:20-bookworm-slim': 'debian/bookworm minbase',
    'node:20-bookworm': 'debian/bookworm buildpack',
    'buildpack-deps:bookworm': 'debian/bookworm buildpack',
    'buildpack-deps:bookworm-curl': 'debian/bookworm buildpack-curl',
    'buildpack-deps:jammy': 'ubuntu/jammy buildpack',
    'ubuntu:22.04': 'ubuntu/jammy minbase',
    'ubuntu:jammy': 'ubuntu/jammy minbase',
    'ubuntu:jammy-20240111': 'ubuntu/jammy minbase',
    'ubuntu:24.04': 'ubuntu/noble minbase',
    'ubuntu:noble': 'ubuntu/noble minbase',
    // No release in the tag, or not a Debian/Ubuntu image: no estimate.
    debian: undefined,
    'debian:latest': undefined,
    'python:3.12-slim': undefined,
    'node:20': undefined,
    'ubuntu:latest': undefined,
    'alpine:3.20': undefined,
    'golang:1.22-bookworm': undefined,
    'debian:${TAG}': undefined,
    scratch: undefined,
  };
  for (const [image, want] of Object.entries(cases)) {
    const r = releaseOfImage(image);
    assert.equal(r ? `${r.release} ${r.flavour}` : undefined, want, image);
  }
});

interface Server {
  url: string;
  hits: () => number;
  close: () => Promise<void>;
}

async function serve(handler: http.RequestListener): Promise<Server> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const gz = zlib.gzipSync(fs.readFileSync(EXCERPT));

test('fetch: gzip index, HTML answer, 404, hang, truncated gzip', async () => {
  const s = await serve((req, res) => {
    if (req.url === '/ok.gz') res.end(gz);
    else if (req.url === '/portal.gz') {
      res.setHeader('content-type', 'text/html');
      res.end('<html>sign in</html>');
    } else if (req.url === '/html-as-gz') res.end('<!DOCTYPE html><html></html>');
    else if (req.url === '/truncated.gz') res.end(gz.subarray(0, gz.length - 100));
    else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/ok.gz' });
      res.end();
    } else if (req.url === '/hang') {
      res.write(gz.subarray(0, 10));
    } // never ends
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  try {
    assert.match(await fetchGzipText(`${s.url}/ok.gz`), /^Package: /m);
    assert.match(await fetchGzipText(`${s.url}/redirect`), /^Package: /m);
    await assert.rejects(fetchGzipText(`${s.url}/portal.gz`), /HTML/);
    await assert.rejects(fetchGzipText(`${s.url}/html-as-gz`), /HTML/);
    await assert.rejects(fetchGzipText(`${s.url}/truncated.gz`), /truncated|corrupt/);
    await assert.rejects(fetchGzipText(`${s.url}/missing.gz`), /HTTP 404/);
    const t0 = Date.now();
    await assert.rejects(fetchGzipText(`${s.url}/hang`, { idleTimeoutMs: 300 }), /no answer/);
    await assert.rejects(fetchGzipText(`${s.url}/hang`, { idleTimeoutMs: 5000, deadlineMs: 400 }), /no complete answer/);
    assert.ok(Date.now() - t0 < 5000);
    assert.throws(() => gunzipIndex(Buffer.from('garbage'), 'x'), /not gzip/);
  } finally {
    await s.close();
  }
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-pkgindex-'));
}

const withGpg = { skip: gpgAvailable() ? false : 'gpg and gpgv are not installed (the signed test mirror needs them)' };

test('store: fetch once into the cache, then read it offline; refresh after 7 days; offline never fetches', withGpg, async () => {
  const key: TestKey = makeKey('mirror');
  const inRelease = key.sign(releaseText('bookworm', { 'main/binary-amd64/Packages.gz': gz }));
  const s = await serve((req, res) =>
    req.url?.endsWith('/dists/bookworm/main/binary-amd64/Packages.gz')
      ? res.end(gz)
      : req.url?.endsWith('/dists/bookworm/InRelease')
        ? res.end(inRelease)
        : ((res.statusCode = 404), res.end()),
  );
  const dir = tmpDir();
  const logs: string[] = [];
  const progress: string[] = [];
  let now = Date.UTC(2026, 10, 30);
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  assert.deepEqual(sourceUrls(base, { debian: `${s.url}/debian/` }), [`${s.url}/debian/dists/bookworm/main/binary-amd64/Packages.gz`]);
  try {
    const offline = new IndexStore({ dir, offline: true, mirrors: { debian: `${s.url}/debian` }, log: (m) => logs.push(m) });
    assert.equal(await offline.ensure(base), undefined);
    assert.equal(s.hits(), 0);
    const store = new IndexStore({
      dir,
      offline: false,
      mirrors: { debian: `${s.url}/debian` },
      log: (m) => logs.push(m),
      progress: (m) => progress.push(m),
      now: () => now,
      keyringDir: key.keyringDir,
    });
    const [a, b] = await Promise.all([store.ensure(base), store.ensure(base)]);
    assert.equal(s.hits(), 2, 'one download (InRelease, Packages.gz) for concurrent requests');
    assert.equal(a?.get('curl')?.name, 'curl');
    assert.equal(a, b);
    assert.equal(progress.length, 1);
    assert.ok(fs.existsSync(cacheFile(dir, base)));
    // A second store (another process) reads the cache without fetching.
    assert.ok(new IndexStore({ dir, offline: true, log: (m) => logs.push(m) }).cached(base)?.get('curl'));
    await store.ensure(base);
    assert.equal(s.hits(), 2);
    now += REFRESH_MS + 1;
    await store.ensure(base);
    assert.equal(s.hits(), 4, 'refreshed after 7 days');
    assert.deepEqual(logs, []);
  } finally {
    key.dispose();
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('store: a failing mirror gives no index and one log line; a corrupt cache file is reported', async () => {
  const s = await serve((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<html>proxy login</html>');
  });
  const dir = tmpDir();
  const logs: string[] = [];
  const base = releaseOfImage('ubuntu:noble');
  assert.ok(base);
  try {
    const store = new IndexStore({ dir, offline: false, mirrors: { ubuntu: s.url }, log: (m) => logs.push(m) });
    assert.equal(await store.ensure(base), undefined);
    assert.equal(await store.ensure(base), undefined, 'not retried at once');
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /ubuntu\/noble.*HTML.*no size estimates/);
    fs.writeFileSync(cacheFile(dir, base), 'dockerfile-slim-pkgindex/1\n{"release":"x"}\n\x1ebroken');
    assert.equal(store.cached(base), undefined);
    assert.match(logs[1] ?? '', /unreadable/);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
