/**
 * A local HTTPS mirror for real-build tests, so "HTTPS needs ca-certificates" is reproduced faithfully without the
 * internet:
 * - a private CA and a server certificate for 127.0.0.1, made with openssl at test time (kept under
 *   .cache/proof-tls/ for 20 days, so the derived base image and Docker's build cache stay valid between runs);
 * - `local/debian-testca:bookworm`: local/debian:bookworm with the CA in /usr/local/share/ca-certificates/. Like a
 *   public CA, it is trusted only once the `ca-certificates` package's postinst runs update-ca-certificates. It also
 *   gets the official image's /etc/dpkg/dpkg.cfg.d/docker-apt-speedup (force-unsafe-io), which local/debian lacks;
 * - real files: GNU hello's source tarball from the Debian pool (plain http, cached) and a static busybox packed as
 *   a release tarball, served by node's https module on 127.0.0.1 for the lifetime of the suite (and never longer
 *   than `maxLifetimeMs`). Builds reach it with `docker build --network=host`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export const TESTCA_BASE = 'local/debian-testca:bookworm';
const DOCKER = '/usr/bin/docker';
/** hello 2.10 is bookworm's version; the pool keeps it. */
const HELLO_URL = 'http://deb.debian.org/debian/pool/main/h/hello/hello_2.10.orig.tar.gz';

export interface Mirror {
  /** https://127.0.0.1:PORT */
  url: string;
  /** File name → absolute path of what is served. */
  files: Map<string, string>;
  close(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

/** CA + server key pair for 127.0.0.1/localhost; regenerated when missing or older than 20 days (valid for 30). */
export function ensureCerts(dir: string): { ca: string; key: string; cert: string } {
  const ca = path.join(dir, 'ca.crt');
  const key = path.join(dir, 'server.key');
  const cert = path.join(dir, 'server.crt');
  const fresh = fs.existsSync(cert) && fs.existsSync(ca) && Date.now() - fs.statSync(cert).mtimeMs < 20 * 86_400_000;
  if (fresh) return { ca, key, cert };
  fs.mkdirSync(dir, { recursive: true });
  const ext = path.join(dir, 'server.ext');
  fs.writeFileSync(
    ext,
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Dockerfile Slim Test CA', '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir,
  );
  return { ca, key, cert };
}

/** The files the mirror serves, fetched or made once under `dir`. */
export function ensureFiles(dir: string): Map<string, string> {
  fs.mkdirSync(dir, { recursive: true });
  const hello = path.join(dir, 'hello-2.10.tar.gz');
  if (!fs.existsSync(hello)) {
    execFileSync('curl', ['-fsSL', '--retry', '3', '-o', `${hello}.tmp`, HELLO_URL], { stdio: 'inherit', timeout: 120_000 });
    fs.renameSync(`${hello}.tmp`, hello);
  }
  // A static tool shipped as a release tarball: Debian's busybox-static (installed by scripts/docker-engine.sh).
  const tool = path.join(dir, 'busybox-static-x86_64.tar.gz');
  if (!fs.existsSync(tool)) {
    const stage = fs.mkdtempSync(path.join(dir, 'stage-'));
    fs.copyFileSync('/bin/busybox', path.join(stage, 'busybox'));
    fs.chmodSync(path.join(stage, 'busybox'), 0o755);
    execFileSync('tar', ['-czf', `${tool}.tmp`, '-C', stage, 'busybox'], { timeout: 60_000 });
    fs.renameSync(`${tool}.tmp`, tool);
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return new Map([hello, tool].map((f) => [path.basename(f), f]));
}

/** Builds the derived base image when missing or when it carries another CA (label = the CA's fingerprint). */
export function ensureTestcaBase(caFile: string): void {
  const pem = fs.readFileSync(caFile, 'utf8');
  const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', caFile], { encoding: 'utf8' })
    .trim()
    .replace(/^.*=/, '')
    .replace(/:/g, '')
    .toLowerCase();
  const have = spawnSync(DOCKER, ['image', 'inspect', '-f', '{{index .Config.Labels "dockerfile-slim.testca"}}', TESTCA_BASE], { encoding: 'utf8' });
  const label = `${fp}-2`; // bump the suffix when the Dockerfile below changes
  if (have.status === 0 && have.stdout.trim() === label) return;
  const ctx = fs.mkdtempSync(path.join(path.dirname(caFile), 'base-'));
  try {
    fs.writeFileSync(path.join(ctx, 'dockerfile-slim-test-ca.crt'), pem);
    // The official debian image has this too (debuerreotype): dpkg without fsync, same files, much faster on busy disks.
    fs.writeFileSync(path.join(ctx, 'docker-apt-speedup'), 'force-unsafe-io\n');
    fs.writeFileSync(
      path.join(ctx, 'Dockerfile'),
      [
        'FROM local/debian:bookworm',
        '# Trusted only after the ca-certificates package runs update-ca-certificates, like a public CA.',
        'COPY dockerfile-slim-test-ca.crt /usr/local/share/ca-certificates/',
        'COPY docker-apt-speedup /etc/dpkg/dpkg.cfg.d/',
        `LABEL dockerfile-slim.testca=${label}`,
        '',
      ].join('\n'),
    );
    execFileSync(DOCKER, ['build', '-t', TESTCA_BASE, ctx], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, stdio: 'pipe', timeout: 5 * 60_000 });
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/** Serves `files` over HTTPS on 127.0.0.1 (preferred port first, else any free one) until close() or the lifetime ends. */
export async function startMirror(
  certs: { key: string; cert: string },
  files: Map<string, string>,
  preferredPort: number,
  maxLifetimeMs: number,
): Promise<Mirror> {
  const server = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(/^\/+/, ''));
    const file = files.get(name);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });
  const listen = (port: number): Promise<void> =>
    new Promise((ok, fail) => {
      const onError = (e: Error): void => fail(e);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        ok();
      });
    });
  try {
    await listen(preferredPort);
  } catch {
    await listen(0);
  }
  const timer = setTimeout(() => server.close(), maxLifetimeMs);
  timer.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    files,
    close: () =>
      new Promise((ok) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
