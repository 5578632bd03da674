/**
 * What the lens sees in a built image, checked against what the linter says (issue 16, "the lens and the linter
 * agree"): bytes a later layer removes (attributeWaste over `docker save`) and build caches that ship in the final
 * filesystem. Pure functions over a SavedImage, plus the `docker save` reader.
 */
import { spawn } from 'node:child_process';
import { attributeWaste, ImageArchiveReader, type LayerFiles, type SavedImage } from '../../common/src/image-layers/index.js';
import type { DetailedFinding } from '../../server/src/engine/index.js';

export const MB = 1_000_000;

/** Streams `docker save TAG` into the layer engine (no temp file). */
export function saveImage(docker: string, tag: string, env: NodeJS.ProcessEnv): Promise<SavedImage> {
  return new Promise((ok, fail) => {
    const reader = new ImageArchiveReader();
    const p = spawn(docker, ['save', tag], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stdout.on('data', (c: Buffer) => reader.write(c));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? reader.end().then(ok, fail) : fail(new Error(`docker save ${tag}: ${code} ${err}`))));
  });
}

export interface RemovedLater {
  /** 1-based line that added the bytes. */
  line: number;
  /** 1-based lines of the layers that removed or replaced them (undefined: no line explains that layer). */
  removers: Array<number | undefined>;
  bytes: number;
  top: string[];
}

/** Lines (other than the final FROM, whose base layers the Dockerfile cannot change) with ≥ minBytes removed later. */
export function removedLater(dockerfile: string, image: SavedImage, minBytes = MB): RemovedLater[] {
  const lines = dockerfile.split('\n');
  let fromLine = 0;
  lines.forEach((l, k) => {
    if (/^\s*FROM\s/i.test(l)) fromLine = k + 1;
  });
  return attributeWaste(dockerfile, image)
    .filter((w) => w.wastedBytes >= minBytes && w.line !== fromLine)
    .map((w) => ({
      line: w.line,
      removers: w.removedAt.map((r) => r.line),
      bytes: w.wastedBytes,
      top: w.topWasted.slice(0, 3).map((f) => `${f.path} (${(f.bytes / MB).toFixed(1)} MB, ${f.how})`),
    }));
}

/** The final filesystem: path → size, after applying every layer's files, whiteouts and opaque directories. */
export function finalFiles(layers: readonly LayerFiles[]): Map<string, number> {
  const fsMap = new Map<string, number>();
  const dropUnder = (dir: string): void => {
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const p of fsMap.keys()) if (p.startsWith(prefix)) fsMap.delete(p);
  };
  for (const l of layers) {
    for (const d of l.opaqueDirs) dropUnder(d);
    for (const w of l.whiteouts) {
      fsMap.delete(w);
      dropUnder(w);
    }
    for (const [p, size] of l.files) fsMap.set(p, size);
  }
  return fsMap;
}

/** Build caches that tools leave and images never need (paths without the leading slash). */
export const CACHE_DIRS: ReadonlyArray<{ dir: RegExp; what: string }> = [
  { dir: /^(root|home\/[^/]+)\/\.cache\/go-build\//, what: 'Go build cache' },
  { dir: /^(root|home\/[^/]+)\/\.cache\/pip\//, what: 'pip cache' },
  { dir: /^(root|home\/[^/]+)\/\.cargo\/(registry|git)\//, what: 'cargo registry' },
  { dir: /^(root|home\/[^/]+)\/\.m2\/repository\//, what: 'maven repository' },
];

/** Bytes of each known build cache in the final filesystem, biggest first, only those ≥ minBytes. */
export function shippedCaches(image: SavedImage, minBytes = MB): Array<{ what: string; bytes: number }> {
  const sums = new Map<string, number>();
  for (const [p, size] of finalFiles(image.layers)) {
    const c = CACHE_DIRS.find((d) => d.dir.test(p));
    if (c) sums.set(c.what, (sums.get(c.what) ?? 0) + size);
  }
  return [...sums]
    .filter(([, b]) => b >= minBytes)
    .map(([what, bytes]) => ({ what, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** Findings on the instructions that start at these 1-based lines. */
export function flaggedAt(findings: readonly DetailedFinding[], lines: ReadonlyArray<number | undefined>, rules?: readonly string[]): DetailedFinding[] {
  return findings.filter((f) => (!rules || rules.includes(f.rule)) && lines.includes(f.instrLine + 1));
}
