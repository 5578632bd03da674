/**
 * An index is verified before it is believed (issue 27): the mirror's `InRelease` is checked with `gpgv` against the
 * distribution's keyring (resources/keyrings, bundled), and only the text gpgv vouches for is read; a Packages file
 * is then believed only when its SHA256 and size are the ones that text lists. Without gpgv nothing is believed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class VerifyError extends Error {}

/** Where the bundled keyrings are: resources/keyrings above this file (dist/ in the bundles, out/… in tests). */
export function bundledKeyringDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', 'keyrings');
    if (fs.existsSync(path.join(candidate, 'debian-archive-keyring.gpg'))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

export function keyringFile(distro: string, dir: string | undefined = bundledKeyringDir()): string {
  if (!dir) throw new VerifyError('the bundled archive keyrings are missing; the index cannot be verified');
  return path.join(dir, `${distro}-archive-keyring.gpg`);
}

/**
 * The signed text of an InRelease file, as gpgv vouches for it with `keyring`; VerifyError when the signature is
 * missing, bad or by a key outside the keyring, or gpgv cannot run. Text outside the signed part is never returned.
 */
export function verifySigned(signed: Buffer, keyring: string, gpgv = 'gpgv', timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(gpgv, ['--quiet', '--keyring', keyring, '--output', '-', '-'], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      reject(new VerifyError(`cannot run gpgv (${(e as Error).message}); the index cannot be verified`));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes <= signed.length) out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => err.length < 64 && err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new VerifyError(e.code === 'ENOENT' ? 'gpgv is not installed; the index cannot be verified' : `gpgv: ${e.message}`)),
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = Buffer.concat(err)
          .toString('utf8')
          .replace(/[^\x20-\x7e\n]/g, '?')
          .trim()
          .split('\n')
          .slice(-2)
          .join('; ');
        reject(new VerifyError(`the InRelease signature does not verify with ${path.basename(keyring)}${why ? ` (${why.slice(0, 300)})` : ''}`));
        return;
      }
      resolve(Buffer.concat(out).toString('utf8'));
    });
    child.stdin.on('error', () => undefined); // gpgv may exit before reading everything
    child.stdin.end(signed);
  });
}

export interface ReleaseFile {
  sha256: string;
  size: number;
}

/** The Release fields the store checks, and the SHA256 list (path → hash and size). */
export interface ReleaseInfo {
  codename: string | undefined;
  suite: string | undefined;
  /** `Date:` (ms since the epoch), when the Release has one that parses. */
  date: number | undefined;
  /** `Valid-Until:` (ms since the epoch): Debian's security and updates suites have it, the main suites usually not. */
  validUntil: number | undefined;
  files: Map<string, ReleaseFile>;
}

/** RFC 2822 dates as Debian writes them (`Sat, 10 Jun 2023 09:09:39 UTC`); undefined when unreadable. */
function releaseDate(value: string): number | undefined {
  const t = Date.parse(value.replace(/\bUTC$/, 'GMT'));
  return Number.isFinite(t) ? t : undefined;
}

/** Parses the verified text of a Release file (deb822, one paragraph). */
export function parseRelease(text: string): ReleaseInfo {
  const files = new Map<string, ReleaseFile>();
  let codename: string | undefined;
  let suite: string | undefined;
  let date: number | undefined;
  let validUntil: number | undefined;
  let inSha = false;
  for (const line of text.split('\n')) {
    if (/^\s/.test(line)) {
      if (!inSha) continue;
      const m = /^\s+([0-9a-f]{64})\s+(\d+)\s+(\S+)\s*$/.exec(line);
      if (m) files.set(m[3] as string, { sha256: m[1] as string, size: Number(m[2]) });
      continue;
    }
    inSha = line.startsWith('SHA256:');
    const f = /^(Codename|Suite):\s*(\S+)/.exec(line);
    if (f?.[1] === 'Codename') codename = f[2];
    if (f?.[1] === 'Suite') suite = f[2];
    const d = /^(Date|Valid-Until):\s*(.+?)\s*$/.exec(line);
    if (d?.[1] === 'Date') date = releaseDate(d[2] as string);
    if (d?.[1] === 'Valid-Until') validUntil = releaseDate(d[2] as string) ?? -Infinity; // unreadable: expired
  }
  return { codename, suite, date, validUntil, files };
}

/** Throws VerifyError unless `body` is the file the verified Release lists under `name`. */
export function checkListed(release: ReleaseInfo, name: string, body: Buffer): void {
  const want = release.files.get(name);
  if (!want) throw new VerifyError(`the signed Release does not list ${name}`);
  if (body.length !== want.size) throw new VerifyError(`${name}: ${body.length} bytes where the signed Release says ${want.size}`);
  const have = createHash('sha256').update(body).digest('hex');
  if (have !== want.sha256) throw new VerifyError(`${name}: its SHA256 is not the one in the signed Release (tampered or stale mirror)`);
}

/**
 * Throws VerifyError when a genuinely signed Release is a replay (issue 27): past its `Valid-Until`, or older (by its
 * `Date`) than the Release the cached index was built from. Main suites usually have no `Valid-Until`; there the cached
 * Release's `Date` is the floor. Without a cached one (first fetch, a discarded cache) only `Valid-Until` can refuse.
 */
export function checkFresh(release: ReleaseInfo, now: number, cachedDate: number | undefined): void {
  if (release.validUntil !== undefined && now > release.validUntil) {
    const when = Number.isFinite(release.validUntil) ? new Date(release.validUntil).toISOString() : 'an unreadable date';
    throw new VerifyError(`the signed Release expired at ${when} (Valid-Until): an old Release replayed, or a mirror that stopped updating`);
  }
  if (cachedDate !== undefined && (release.date === undefined || release.date < cachedDate)) {
    const what = release.date === undefined ? 'has no Date' : `is dated ${new Date(release.date).toISOString()}`;
    throw new VerifyError(`the signed Release ${what}, older than the ${new Date(cachedDate).toISOString()} one already cached (an old Release replayed?)`);
  }
}
