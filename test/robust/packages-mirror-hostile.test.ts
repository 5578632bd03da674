/**
 * Issue 27: an index is verified before it is believed. A local hostile mirror (HTTP on 127.0.0.1) serves an honest
 * signed index, then tampered Packages files, a Release re-signed with another key, an unsigned Release, another
 * release's Release, and redirects to another host: each is refused, nothing reaches the cache, one log line says why.
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
import { cacheFile, IndexStore } from '../../common/src/package-index/store.js';
import { bundledKeyringDir, parseRelease, verifySigned } from '../../common/src/package-index/inrelease.js';
import { gpgAvailable, makeKey, releaseText } from '../helpers/signed-mirror.js';
import { EXCERPT } from '../unit/packages-fixtures.js';

const skip = gpgAvailable() ? false : 'gpg and gpgv are not installed (the signed test mirror needs them)';
const NAME = 'main/binary-amd64/Packages.gz';
const honest = zlib.gzipSync(fs.readFileSync(EXCERPT));
// The attacker's index: every package "required" (the base set grows to everything) and curl tiny.
const tampered = zlib.gzipSync(
  fs
    .readFileSync(EXCERPT, 'utf8')
    .replace(/^Priority: \w+$/gm, 'Priority: required')
    .replace(/(Package: curl\n(?:.+\n)*?)Installed-Size: \d+/, '$1Installed-Size: 1'),
);

/** One mirror answer per path, settable per case. */
async function mirror(): Promise<{ url: string; set(path: string, body: Buffer | ((res: http.ServerResponse) => void)): void; close(): Promise<void> }> {
  const routes = new Map<string, Buffer | ((res: http.ServerResponse) => void)>();
  const server = http.createServer((req, res) => {
    const r = routes.get(req.url ?? '');
    if (typeof r === 'function') r(res);
    else if (r) res.end(r);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/debian`,
    set: (p, body) => routes.set(`/debian/dists/bookworm/${p}`, body),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test('reproduction 5: a hostile mirror: tampered, re-signed, unsigned, replayed and redirected indexes are refused', { skip }, async (t) => {
  const key = makeKey('archive');
  const attacker = makeKey('attacker');
  const m = await mirror();
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  t.after(async () => {
    key.dispose();
    attacker.dispose();
    await m.close();
  });
  const attempt = async (): Promise<{ loaded: boolean; logs: string[]; cached: boolean }> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-mirror-'));
    const logs: string[] = [];
    const store = new IndexStore({ dir, offline: false, mirrors: { debian: m.url }, log: (l) => logs.push(l), keyringDir: key.keyringDir });
    const index = await store.ensure(base);
    const cached = fs.existsSync(cacheFile(dir, base));
    fs.rmSync(dir, { recursive: true, force: true });
    return { loaded: index !== undefined, logs, cached };
  };

  // Honest: signed by the archive key, hash and size as listed.
  m.set('InRelease', key.sign(releaseText('bookworm', { [NAME]: honest })));
  m.set(NAME, honest);
  const ok = await attempt();
  assert.deepEqual(ok, { loaded: true, logs: [], cached: true });

  const refused = async (why: RegExp, what: string): Promise<void> => {
    const r = await attempt();
    assert.equal(r.loaded, false, what);
    assert.equal(r.cached, false, `${what}: nothing cached`);
    assert.equal(r.logs.length, 1, what);
    assert.match(r.logs[0] ?? '', why, what);
  };
  // A tampered Packages file under the honest signed Release.
  m.set(NAME, tampered);
  await refused(/bytes where the signed Release says|SHA256 is not the one/, 'tampered Packages.gz');
  // Re-signed: the attacker lists the tampered file's hash and signs with a key outside the keyring.
  m.set('InRelease', attacker.sign(releaseText('bookworm', { [NAME]: tampered })));
  await refused(/signature does not verify/, 're-signed InRelease');
  // Unsigned: the Release text alone.
  m.set('InRelease', Buffer.from(releaseText('bookworm', { [NAME]: tampered })));
  await refused(/signature does not verify/, 'unsigned InRelease');
  // Signed text followed by an unsigned addition: only what gpgv vouches for is read.
  m.set('InRelease', Buffer.concat([key.sign(releaseText('bookworm', { [NAME]: honest })), Buffer.from(releaseText('bookworm', { [NAME]: tampered }))]));
  await refused(/SHA256 is not the one|bytes where|signature does not verify/, 'unsigned text after the signature');
  // Another release's genuine Release, replayed.
  m.set('InRelease', key.sign(releaseText('bullseye', { [NAME]: tampered })));
  await refused(/for bullseye, not bookworm/, 'replayed release');
  // A redirect to another host (localhost is not 127.0.0.1 by name).
  m.set('InRelease', key.sign(releaseText('bookworm', { [NAME]: honest })));
  m.set(NAME, (res) => {
    res.writeHead(302, { location: `${m.url.replace('127.0.0.1', 'localhost')}/dists/bookworm/${NAME}` });
    res.end();
  });
  await refused(/another host/, 'redirect elsewhere');
  // The bundled Debian keyring does not know the test key either.
  m.set(NAME, honest);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-mirror-'));
  const logs: string[] = [];
  const store = new IndexStore({ dir, offline: false, mirrors: { debian: m.url }, log: (l) => logs.push(l) });
  assert.equal(await store.ensure(base), undefined);
  assert.match(logs[0] ?? '', /signature does not verify with debian-archive-keyring\.gpg/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the bundled Debian keyring verifies the archive Release that apt itself verified', { skip }, async (t) => {
  const apt = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease';
  if (!fs.existsSync(apt)) return t.skip('no apt lists for bookworm on this machine');
  const dir = bundledKeyringDir();
  assert.ok(dir, 'resources/keyrings found from out/');
  const text = await verifySigned(fs.readFileSync(apt), path.join(dir, 'debian-archive-keyring.gpg'));
  const rel = parseRelease(text);
  assert.equal(rel.codename, 'bookworm');
  assert.match(rel.files.get(NAME)?.sha256 ?? '', /^[0-9a-f]{64}$/);
  await assert.rejects(verifySigned(fs.readFileSync(apt), path.join(dir, 'ubuntu-archive-keyring.gpg')), /does not verify/);
});

test('reproduction 5: a replayed older Release is refused: past its Valid-Until, or older than the cached one (issue 27, Valid-Until)', { skip }, async (t) => {
  const key = makeKey('archive');
  const m = await mirror();
  const base = releaseOfImage('debian:bookworm');
  assert.ok(base);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-replay-'));
  t.after(async () => {
    key.dispose();
    await m.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const day = 24 * 3600 * 1000;
  let now = Date.parse('2026-12-01T00:00:00Z');
  const logs: string[] = [];
  const store = (): IndexStore =>
    new IndexStore({ dir, offline: false, mirrors: { debian: m.url }, log: (l) => logs.push(l), keyringDir: key.keyringDir, now: () => now });
  m.set(NAME, honest);

  // A security-style suite whose Valid-Until has passed: an old Release kept and replayed. Nothing cached.
  m.set(
    'InRelease',
    key.sign(releaseText('bookworm', { [NAME]: honest }, { date: 'Sun, 01 Nov 2026 00:00:00 UTC', validUntil: 'Sun, 08 Nov 2026 00:00:00 UTC' })),
  );
  assert.equal(await store().ensure(base), undefined);
  assert.match(logs.pop() ?? '', /expired at 2026-11-08T00:00:00\.000Z \(Valid-Until\)/);
  assert.equal(fs.existsSync(cacheFile(dir, base)), false);

  // Valid-Until still ahead: believed, and the Release's Date is kept with the cache.
  m.set(
    'InRelease',
    key.sign(releaseText('bookworm', { [NAME]: honest }, { date: 'Mon, 30 Nov 2026 00:00:00 UTC', validUntil: 'Mon, 07 Dec 2026 00:00:00 UTC' })),
  );
  const fresh = await store().ensure(base);
  assert.ok(fresh);
  assert.equal(fresh.releaseDate, Date.parse('2026-11-30T00:00:00Z'));
  assert.deepEqual(logs, []);

  // Eight days later the cache is stale; the mirror replays a genuine Release (no Valid-Until, as the main suites)
  // dated before the cached one: refused, and the cached index (and its date) stays.
  now += 8 * day;
  const before = fs.readFileSync(cacheFile(dir, base), 'utf8');
  m.set('InRelease', key.sign(releaseText('bookworm', { [NAME]: honest }, { date: 'Sun, 01 Nov 2026 00:00:00 UTC' })));
  const kept = await store().ensure(base);
  assert.equal(kept?.releaseDate, Date.parse('2026-11-30T00:00:00Z'), 'the stale cache is used, not replaced');
  assert.match(logs.pop() ?? '', /dated 2026-11-01T00:00:00\.000Z, older than the 2026-11-30T00:00:00\.000Z one already cached/);
  assert.equal(fs.readFileSync(cacheFile(dir, base), 'utf8'), before);

  // A newer Release (same or later Date) refreshes the cache.
  m.set('InRelease', key.sign(releaseText('bookworm', { [NAME]: honest }, { date: 'Tue, 08 Dec 2026 00:00:00 UTC' })));
  const next = await store().ensure(base);
  assert.equal(next?.releaseDate, Date.parse('2026-12-08T00:00:00Z'));
  assert.deepEqual(logs, []);
});
