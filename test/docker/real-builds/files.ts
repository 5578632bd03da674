/**
 * What the real-build suite's mirror serves besides tls-mirror.ts's files, made from test/docker/real-builds/sources
 * (no GitHub, no PyPI here): two configure/make C projects as release tarballs with a .sha256 beside them, a vendor
 * `.deb` made with dpkg-deb, and a pure-Python wheel. Made once per content under `dir`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A reproducible .tar.gz of `srcDir` as `<name>/…` (sorted, fixed mtime and owner, gzip without a timestamp). */
function tarball(srcDir: string, name: string, out: string): void {
  const tar = execFileSync(
    'tar',
    [
      '--sort=name',
      '--mtime=@1700000000',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      path.dirname(srcDir),
      '-c',
      `--transform=s,^${path.basename(srcDir)},${name},`,
      path.basename(srcDir),
    ],
    { maxBuffer: 64 << 20 },
  );
  fs.writeFileSync(out, execFileSync('gzip', ['-n', '-9'], { input: tar, maxBuffer: 64 << 20 }));
}

function deb(srcDir: string, out: string): void {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'dslim-deb-'));
  try {
    fs.cpSync(srcDir, stage, { recursive: true });
    for (const d of ['DEBIAN', 'usr', 'usr/bin']) fs.chmodSync(path.join(stage, d), 0o755);
    fs.chmodSync(path.join(stage, 'DEBIAN', 'control'), 0o644);
    fs.chmodSync(path.join(stage, 'usr', 'bin', 'fetchrun'), 0o755);
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, out], { stdio: 'pipe' });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** A py3-none-any wheel with a console script, written with python3's zipfile (RECORD with real hashes). */
function wheel(srcDir: string, out: string): void {
  const script = String.raw`
import base64, hashlib, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
di = "greet-1.0.dist-info"
files = {
  "greet/__init__.py": open(src + "/__init__.py", "rb").read(),
  di + "/METADATA": b"Metadata-Version: 2.1\nName: greet\nVersion: 1.0\nSummary: greets, or fetches a URL over HTTPS\n",
  di + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: dockerfile-slim-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  di + "/entry_points.txt": b"[console_scripts]\ngreet = greet:main\n",
}
rec = []
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
  for name, data in files.items():
    zi = zipfile.ZipInfo(name, (2023, 11, 14, 0, 0, 0)); zi.external_attr = 0o644 << 16
    z.writestr(zi, data)
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    rec.append(f"{name},sha256={h},{len(data)}")
  rec.append(di + "/RECORD,,")
  zi = zipfile.ZipInfo(di + "/RECORD", (2023, 11, 14, 0, 0, 0)); zi.external_attr = 0o644 << 16
  z.writestr(zi, "\n".join(rec) + "\n")
`;
  execFileSync('python3', ['-c', script, srcDir, out], { stdio: 'pipe' });
}

/** File name → path of everything the suite's mirror serves (tls-mirror's files come on top), and the tarballs' SHA-256. */
export function ensureRealBuildFiles(dir: string): { files: Map<string, string>; sha256: Record<string, string> } {
  const sources = path.join(repoRoot, 'test', 'docker', 'real-builds', 'sources');
  // The cache key is the sources' content, so editing a source remakes what is served.
  const key = createHash('sha256');
  for (const f of (fs.readdirSync(sources, { recursive: true }) as string[]).sort()) {
    const p = path.join(sources, f);
    if (fs.statSync(p).isFile()) key.update(f).update(fs.readFileSync(p));
  }
  const out = path.join(dir, key.digest('hex').slice(0, 12));
  const made: Array<[string, (o: string) => void]> = [
    ['tinyget-1.0.tar.gz', (o) => tarball(path.join(sources, 'tinyget-1.0'), 'tinyget-1.0', o)],
    ['zsum-1.0.tar.gz', (o) => tarball(path.join(sources, 'zsum-1.0'), 'zsum-1.0', o)],
    ['fetchrun_1.0_all.deb', (o) => deb(path.join(sources, 'fetchrun'), o)],
    ['greet-1.0-py3-none-any.whl', (o) => wheel(path.join(sources, 'greet'), o)],
  ];
  fs.mkdirSync(out, { recursive: true });
  const files = new Map<string, string>();
  const sums: Record<string, string> = {};
  for (const [name, make] of made) {
    const file = path.join(out, name);
    if (!fs.existsSync(file)) {
      make(`${file}.tmp`);
      fs.renameSync(`${file}.tmp`, file);
    }
    files.set(name, file);
    sums[name] = sha256(file);
    const sumFile = `${file}.sha256`;
    fs.writeFileSync(sumFile, `${sums[name]}  ${name}\n`);
    files.set(`${name}.sha256`, sumFile);
  }
  return { files, sha256: sums };
}
