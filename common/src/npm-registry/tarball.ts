/**
 * The unpacked size of an npm package from its tarball, for registries whose metadata has no `dist.unpackedSize`
 * (mirrors and proxies often drop it): the .tgz is checked against the metadata's `dist.integrity` (sha512) or
 * `shasum`, inflated with a cap, and the sizes of its regular files summed from the tar headers (ustar and pax).
 */
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';

/** Inflated bytes a package tarball may give (typescript 5 unpacks to 23 MB; 512 MB is far past any real one). */
export const MAX_UNPACKED = 512 * 1024 * 1024;

export class TarballError extends Error {}

/** Throws unless `body` matches the metadata's integrity (sha512/sha384/sha256 SRI) or sha1 shasum. */
export function checkIntegrity(body: Buffer, integrity: string | undefined, shasum: string | undefined): void {
  for (const sri of (integrity ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^(sha512|sha384|sha256)-(.+)$/.exec(sri);
    if (!m) continue;
    if (
      crypto
        .createHash(m[1] as string)
        .update(body)
        .digest('base64') === m[2]
    ) {
      return;
    }
    throw new TarballError(`tarball does not match its ${m[1]} integrity`);
  }
  if (shasum && /^[0-9a-f]{40}$/.test(shasum)) {
    if (crypto.createHash('sha1').update(body).digest('hex') === shasum) return;
    throw new TarballError('tarball does not match its shasum');
  }
  throw new TarballError('no integrity to check the tarball against');
}

function octal(buf: Buffer, at: number, len: number): number {
  const s = buf
    .subarray(at, at + len)
    .toString('latin1')
    .replace(/\0.*$/s, '')
    .trim();
  return s ? parseInt(s, 8) : 0;
}

/** Bytes and files of the regular files in a gzipped tar. */
export function tarballSize(tgz: Buffer): { bytes: number; files: number } {
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(tgz, { maxOutputLength: MAX_UNPACKED });
  } catch (e) {
    throw new TarballError(`corrupt or oversized tarball (${(e as Error).message})`);
  }
  let bytes = 0;
  let files = 0;
  let paxSize: number | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    let size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === 'x') {
      const m = /\d+ size=(\d+)\n/.exec(tar.subarray(at + 512, at + 512 + size).toString('utf8'));
      paxSize = m ? Number(m[1]) : undefined;
    } else if (type === '0' || type === '\0' || type === '7') {
      if (paxSize !== undefined) size = paxSize;
      bytes += size;
      files++;
      paxSize = undefined;
    } else if (type !== 'g' && type !== 'L' && type !== 'K') paxSize = undefined;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { bytes, files };
}
