/**
 * A local package index for real builds that cannot reach PyPI or the npm registry: a static HTTP server in a child
 * process (the builds run with spawnSync, which would block a server in the test's own process), bound to 0.0.0.0 so a
 * build reaches it over the default bridge, logging every request. It sends the caching headers the real hosts send
 * (files.pythonhosted.org: immutable for a year; registry.npmjs.org tarballs: a year, must-revalidate), and answers a
 * matching If-None-Match with 304, so the log tells a download (200) from a revalidation.
 * Also a wheel writer (a stored zip, no Python needed) and an npm tarball writer (tar, `package/` prefix).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DOCKER } from './buildkit.js';

const SERVER = `
const http = require('http'), fs = require('fs'), path = require('path');
const [root, log] = process.argv.slice(1);
http.createServer((req, res) => {
  const rel = decodeURIComponent(req.url.split('?')[0]);
  let file = path.join(root, path.normalize(rel));
  if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
  const ok = file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isFile();
  const etag = ok ? '"' + fs.statSync(file).size + '-' + fs.statSync(file).mtimeMs + '"' : '';
  const status = !ok ? 404 : req.headers['if-none-match'] === etag ? 304 : 200;
  fs.appendFileSync(log, req.method + ' ' + rel + ' ' + status + '\\n');
  if (status !== 200) { res.writeHead(status, ok ? { etag } : {}); res.end(); return; }
  const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  const cache = /\\.(whl|tgz)$/.test(file) ? 'public, max-age=31557600, immutable' : 'public, max-age=300';
  res.writeHead(200, { 'content-type': type, 'cache-control': cache, etag, 'content-length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
}).listen(0, '0.0.0.0', function () { console.log(this.address().port); });
`;

export interface PackageServer {
  port: number;
  /** Request lines `GET /path STATUS` so far. */
  requests(): string[];
  stop(): void;
}

/** Serves `root`; `GET /a/` answers `/a/index.html`, `GET /npm/demo` the file `npm/demo`. */
export async function startPackageServer(root: string): Promise<PackageServer> {
  const log = path.join(root, '..', 'requests.log');
  fs.writeFileSync(log, '');
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER, path.resolve(root), log], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`package server exited (${code})`)));
  });
  return {
    port,
    requests: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    stop: () => void child.kill(),
  };
}

/** The host's address on the default bridge (docker0's gateway), as a build sees it. */
export function bridgeHost(): string {
  const r = spawnSync(DOCKER, ['network', 'inspect', 'bridge', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : '172.17.0.1';
}

/** Why a container on the default bridge cannot fetch `url` from the host, or false when it can. */
export function bridgeUnreachable(url: string, image: string): string | false {
  const r = spawnSync(DOCKER, ['run', '--rm', image, 'python3', '-c', `import urllib.request; urllib.request.urlopen(${JSON.stringify(url)}, timeout=5)`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return r.status === 0
    ? false
    : `a container on the default bridge cannot reach the host's package server (${url}): ${`${r.stdout}${r.stderr}`.trim().slice(-300)}`;
}

/** A zip with stored (uncompressed) entries. */
function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt32LE(0x00210000, 10); // DOS date 1980-01-01, time 00:00
    head.writeUInt32LE(zlib.crc32(data), 14);
    head.writeUInt32LE(data.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    head.copy(dir, 8, 6, 30); // flags … name length
    dir.writeUInt32LE(offset, 42);
    locals.push(head, n, data);
    central.push(dir, n);
    offset += head.length + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A pure-Python wheel `<dist>-<version>-py3-none-any.whl` whose module `<module>` has `hello()` returning `said`. */
export function writeWheel(dir: string, dist: string, module: string, version: string, said: string): string {
  const info = `${dist}-${version}.dist-info`;
  const files: [string, Buffer][] = [
    [`${module}/__init__.py`, Buffer.from(`def hello():\n    return ${JSON.stringify(said)}\n`)],
    [`${info}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${dist.replace(/_/g, '-')}\nVersion: ${version}\n`)],
    [`${info}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: dockerfile-slim-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n')],
  ];
  const hash = (b: Buffer): string => createHash('sha256').update(b).digest('base64url');
  const record = files.map(([n, b]) => `${n},sha256=${hash(b)},${b.length}`).join('\n') + `\n${info}/RECORD,,\n`;
  files.push([`${info}/RECORD`, Buffer.from(record)]);
  const name = `${dist}-${version}-py3-none-any.whl`;
  fs.writeFileSync(path.join(dir, name), zip(files));
  return name;
}

/** An npm tarball (`package/package.json`, `package/index.js` exporting hello()); returns its name and sha512 integrity. */
export function writeTarball(dir: string, name: string, version: string, said: string): { file: string; integrity: string } {
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  fs.mkdirSync(path.join(src, 'package'));
  fs.writeFileSync(path.join(src, 'package', 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  fs.writeFileSync(path.join(src, 'package', 'index.js'), `exports.hello = () => ${JSON.stringify(said)};\n`);
  const file = `${name}-${version}.tgz`;
  execFileSync('tar', ['-czf', path.join(dir, file), '-C', src, 'package']);
  fs.rmSync(src, { recursive: true, force: true });
  return {
    file,
    integrity: `sha512-${createHash('sha512')
      .update(fs.readFileSync(path.join(dir, file)))
      .digest('base64')}`,
  };
}
