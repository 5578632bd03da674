// Test helper: repacks a real `docker save` archive (Docker 20.10 writes the legacy layout) into an OCI image
// layout archive with gzip layers and no manifest.json, as newer engines and `podman save --format oci-archive` do.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function ociFromDockerSave(saveTar: string, outTar: string, workDir: string): void {
  const src = join(workDir, 'src');
  const dst = join(workDir, 'oci');
  mkdirSync(src, { recursive: true });
  mkdirSync(join(dst, 'blobs', 'sha256'), { recursive: true });
  execFileSync('tar', ['-xf', saveTar, '-C', src]);
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>;
  const first = manifest[0];
  if (!first) throw new Error('empty manifest.json');
  const blob = (data: Buffer): string => {
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(dst, 'blobs', 'sha256', hex), data);
    return `sha256:${hex}`;
  };
  const layers = first.Layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob(gzipSync(readFileSync(join(src, l)))) }));
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(readFileSync(join(src, first.Config))) };
  const m = blob(Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers })));
  writeFileSync(join(dst, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: m }] }));
  writeFileSync(join(dst, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  execFileSync('tar', ['-cf', outTar, '-C', dst, '.']);
}
