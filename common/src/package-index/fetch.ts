/**
 * Downloads a gzipped `Packages` index over plain HTTP (what apt itself uses by default) with a
 * connect/idle time-out, an overall deadline and a size cap; rejects HTML answers and bad gzip.
 * Redirects stay on the mirror's host and never go from https to http; what arrives is believed only
 * once inrelease.ts has checked it against the signed Release (store.ts).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';

export interface FetchOptions {
  /** No byte for this long: give up. */
  idleTimeoutMs?: number;
  /** The whole download. */
  deadlineMs?: number;
  /** Compressed bytes at most. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export class FetchError extends Error {}

function get(url: string, opts: Required<Omit<FetchOptions, 'signal'>> & { signal?: AbortSignal }, redirects: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new FetchError(`not a URL: ${url}`));
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      reject(new FetchError(`unsupported URL scheme: ${url}`));
      return;
    }
    const lib = u.protocol === 'https:' ? https : http;
    let done = false;
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      req.destroy();
      reject(e);
    };
    const deadline = setTimeout(() => fail(new FetchError(`${url}: no complete answer within ${opts.deadlineMs} ms`)), opts.deadlineMs);
    const req = lib.get(u, { headers: { 'user-agent': 'dockerfile-slim', accept: 'application/gzip, */*' }, signal: opts.signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= 3) return fail(new FetchError(`${url}: too many redirects`));
        let to: URL;
        try {
          to = new URL(res.headers.location, u);
        } catch {
          return fail(new FetchError(`${url}: redirected to an invalid address`));
        }
        const refused = refusedRedirect(u, to);
        if (refused) return fail(new FetchError(`${url}: ${refused}`));
        done = true;
        clearTimeout(deadline);
        get(to.toString(), opts, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        return fail(new FetchError(`${url}: HTTP ${status}`));
      }
      if (/text\/html/i.test(String(res.headers['content-type'] ?? ''))) {
        res.resume();
        return fail(new FetchError(`${url}: the server answered with an HTML page, not an index (captive portal or wrong mirror?)`));
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > opts.maxBytes) fail(new FetchError(`${url}: larger than ${opts.maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('error', (e) => fail(new FetchError(`${url}: ${e.message}`)));
      res.on('end', () => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        resolve(Buffer.concat(chunks));
      });
    });
    req.setTimeout(opts.idleTimeoutMs, () => fail(new FetchError(`${url}: no answer for ${opts.idleTimeoutMs} ms`)));
    req.on('error', (e) => fail(new FetchError(`${url}: ${e.message}`)));
  });
}

/**
 * Why a redirect from `from` to `to` is not followed, or undefined when it is: only to the same host (a mirror's own
 * paths) and never from https down to http. A redirect elsewhere could hand the index to anyone on the path.
 */
export function refusedRedirect(from: URL, to: URL): string | undefined {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return `redirected to an unsupported scheme (${to.protocol})`;
  if (from.protocol === 'https:' && to.protocol === 'http:') return `redirected from https to plain http (${to.host}); refused`;
  if (to.hostname !== from.hostname) return `redirected to another host (${to.host}); refused`;
  return undefined;
}

/**
 * Inflated bytes a Packages.gz may give: real ones inflate about 5x (bookworm main: 9 MB to 45 MB). A 1.3 MB gzip
 * inflating to 500 MB cost 1.6 GB of memory (issue 27).
 */
export function maxInflated(compressedBytes: number): number {
  return Math.min(256 * 1024 * 1024, 16 * 1024 * 1024 + 16 * compressedBytes);
}

/** Decompresses a gzipped index; a truncated or non-gzip body is a FetchError. */
export function gunzipIndex(body: Buffer, url: string): string {
  if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) {
    const head = body.subarray(0, 200).toString('latin1');
    if (/<html|<!doctype|<head|<body/i.test(head)) throw new FetchError(`${url}: the server answered with an HTML page, not an index`);
    throw new FetchError(`${url}: not gzip data (corrupt download?)`);
  }
  try {
    return zlib.gunzipSync(body, { maxOutputLength: maxInflated(body.length) }).toString('utf8');
  } catch (e) {
    throw new FetchError(`${url}: corrupt or truncated gzip (${(e as Error).message})`);
  }
}

/** The body of `url` as bytes (redirects, time-outs and the size cap as for an index). */
export function fetchBody(url: string, options: FetchOptions = {}): Promise<Buffer> {
  return get(
    url,
    {
      idleTimeoutMs: options.idleTimeoutMs ?? 15_000,
      deadlineMs: options.deadlineMs ?? 180_000,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
      signal: options.signal,
    },
    0,
  );
}

export async function fetchGzipText(url: string, options: FetchOptions = {}): Promise<string> {
  const body = await get(
    url,
    {
      idleTimeoutMs: options.idleTimeoutMs ?? 15_000,
      deadlineMs: options.deadlineMs ?? 180_000,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
      signal: options.signal,
    },
    0,
  );
  return gunzipIndex(body, url);
}
