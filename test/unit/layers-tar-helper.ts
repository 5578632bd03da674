// Test helper: writes small tar archives (ustar, with pax headers for long names) and `docker save`-shaped
// image archives in Docker's legacy layout and the OCI layout. Only used to build inputs for the reader.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarItem {
  name: string;
  data?: Buffer | string;
  type?: '0' | '2' | '5';
  linkname?: string;
}

function header(name: string, size: number, type: string, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 99), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(linkname, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

export function tar(items: readonly TarItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const it of items) {
    const data = Buffer.from(it.data ?? '');
    const type = it.type ?? '0';
    if (Buffer.byteLength(it.name) > 99) {
      const rec = ` path=${it.name}\n`;
      let len = rec.length + 2;
      while (String(len).length + rec.length !== len) len = String(len).length + rec.length;
      const body = Buffer.from(`${len}${rec}`);
      parts.push(header('PaxHeader', body.length, 'x'), body, pad(body.length));
    }
    parts.push(header(it.name, type === '0' ? data.length : 0, type, it.linkname), type === '0' ? data : Buffer.alloc(0));
    if (type === '0') parts.push(pad(data.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface FakeImage {
  layers: TarItem[][];
  history: Array<{ created_by: string; empty_layer?: boolean }>;
}

/** `docker save` as Docker 20.10 writes it: <id>/layer.tar, <config>.json, manifest.json (listed last). */
export function dockerSaveLegacy(img: FakeImage, opts: { dedupeWithSymlink?: boolean } = {}): Buffer {
  const items: TarItem[] = [];
  const layerPaths: string[] = [];
  const seen = new Map<string, string>();
  img.layers.forEach((files, i) => {
    const t = tar(files);
    const dir = `${sha(Buffer.from(`layer${i}`))}`;
    const prior = seen.get(sha(t));
    items.push({ name: `${dir}/`, type: '5' }, { name: `${dir}/VERSION`, data: '1.0' });
    if (prior && opts.dedupeWithSymlink) items.push({ name: `${dir}/layer.tar`, type: '2', linkname: `../${prior}/layer.tar` });
    else items.push({ name: `${dir}/layer.tar`, data: t });
    seen.set(sha(t), dir);
    layerPaths.push(`${dir}/layer.tar`);
  });
  const config = Buffer.from(JSON.stringify({ history: img.history, rootfs: { type: 'layers' } }));
  items.push({ name: `${sha(config)}.json`, data: config });
  items.push({ name: 'manifest.json', data: JSON.stringify([{ Config: `${sha(config)}.json`, Layers: layerPaths }]) });
  return tar(items);
}

/** An OCI image layout archive (index.json → manifest → config/layers), gzip-compressed layers, no manifest.json. */
export function ociArchive(img: FakeImage): Buffer {
  const blobs: TarItem[] = [];
  const add = (b: Buffer): string => {
    blobs.push({ name: `blobs/sha256/${sha(b)}`, data: b });
    return `sha256:${sha(b)}`;
  };
  const layers = img.layers.map((files) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: add(gzipSync(tar(files))) }));
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: add(Buffer.from(JSON.stringify({ history: img.history }))) };
  const manifest = add(Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers })));
  return tar([
    { name: 'blobs/', type: '5' },
    ...blobs,
    { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests: [{ digest: manifest }] }) },
  ]);
}

/** Feeds a buffer in awkward chunk sizes to exercise the stream parser's buffering. */
export function* chunked(buf: Buffer, size = 777): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
