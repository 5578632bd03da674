// Reads a `docker save` / `podman save` archive as a stream (Docker's legacy layout with <id>/layer.tar and
// manifest.json, or the OCI layout with blobs/sha256 + index.json, gzip or plain layers) and lists each
// layer's files and whiteouts. See wasted.ts for what is computed from them.
import { createGunzip } from 'node:zlib';
import { TarParseError, TarStream, type TarHeader } from './tar-stream.js';
import type { ConfigHistory } from './history.js';

export interface LayerFiles {
  /** Regular files (and other non-directory entries, size 0) added or replaced by this layer. */
  files: Map<string, number>;
  /** Directories created by this layer. */
  dirs: Set<string>;
  /** Paths this layer deletes (`.wh.<name>`). */
  whiteouts: Set<string>;
  /** Directories whose lower contents this layer hides (`.wh..wh..opq`). */
  opaqueDirs: Set<string>;
  /** Sum of regular file sizes: what `docker history` reports as the layer size. */
  bytes: number;
}

export interface ImageConfig {
  history?: ConfigHistory[];
  rootfs?: { diff_ids?: string[] };
}

export interface SavedImage {
  layout: 'docker' | 'oci';
  config: ImageConfig;
  /** Oldest first, in the order of the image's rootfs. */
  layers: LayerFiles[];
}

export class ImageArchiveError extends Error {}

const MAX_JSON = 8 * 1024 * 1024;
/** Files listed over all layers of one image, and the bytes of their names: past either, the archive is refused. */
export const MAX_IMAGE_ENTRIES = 4_000_000;
export const MAX_IMAGE_NAME_BYTES = 256 * 1024 * 1024;

/** What an image may still add to memory; shared by all its layer parsers. */
interface Budget {
  entries: number;
  nameBytes: number;
}

export const cleanPath = (p: string): string =>
  p
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');

function newLayer(): LayerFiles {
  return { files: new Map(), dirs: new Set(), whiteouts: new Set(), opaqueDirs: new Set(), bytes: 0 };
}

/** Parses one layer tar (already decompressed) into its file list. */
function layerParser(layer: LayerFiles, budget: Budget): TarStream {
  return new TarStream((h: TarHeader) => {
    const path = cleanPath(h.name);
    budget.entries -= 1;
    budget.nameBytes -= path.length;
    if (budget.entries < 0 || budget.nameBytes < 0) throw new ImageArchiveError('the image lists too many files to read');
    if (path === '') return undefined;
    const slash = path.lastIndexOf('/');
    const dir = slash >= 0 ? path.slice(0, slash) : '';
    const base = slash >= 0 ? path.slice(slash + 1) : path;
    if (base === '.wh..wh..opq') layer.opaqueDirs.add(dir);
    else if (base.startsWith('.wh.')) layer.whiteouts.add(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
    else if (h.type === '5') layer.dirs.add(path);
    else {
      const size = h.type === '0' || h.type === '7' ? h.size : 0;
      layer.files.set(path, size);
      layer.bytes += size;
    }
    return undefined; // file contents are never needed
  });
}

/** What one entry of the outer archive turned out to be: a layer, a small (JSON) blob, or a symlink. */
type Outer = { kind: 'layer'; layer: LayerFiles } | { kind: 'blob'; text: string } | { kind: 'link'; target: string };

export class ImageArchiveReader {
  private readonly entries = new Map<string, Outer>();
  private readonly pendingGunzips: Promise<void>[] = [];
  private readonly gunzips: ReturnType<typeof createGunzip>[] = [];
  private readonly budget: Budget;
  /** The first error inside a gzip layer (raised from a stream callback, so kept for `end`). */
  private failure: Error | undefined;
  private readonly outer: TarStream;

  /** `limits` lowers the caps (tests); they never rise above the defaults. */
  constructor(limits: Partial<Budget> = {}) {
    this.budget = {
      entries: Math.min(limits.entries ?? MAX_IMAGE_ENTRIES, MAX_IMAGE_ENTRIES),
      nameBytes: Math.min(limits.nameBytes ?? MAX_IMAGE_NAME_BYTES, MAX_IMAGE_NAME_BYTES),
    };
    this.outer = new TarStream((h) => this.entry(h));
  }

  write(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.outer.write(chunk);
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new ImageArchiveError(String(e));
    for (const g of this.gunzips) g.destroy();
  }

  private entry(h: TarHeader): ((chunk: Uint8Array) => void) | undefined {
    const name = cleanPath(h.name);
    if (h.type === '2' || h.type === '1') {
      // Legacy layout deduplicates identical layers with symlinks (`../<id>/layer.tar`).
      const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
      const target = h.type === '2' ? resolve(dir, h.linkname) : cleanPath(h.linkname);
      this.entries.set(name, { kind: 'link', target });
      return undefined;
    }
    if (h.type !== '0' && h.type !== '7') return undefined;
    // Sniff the first 512 bytes: gzip magic, a tar header ("ustar" at 257), or else keep small blobs as text.
    let head: Uint8Array[] = [];
    let headBytes = 0;
    let sink: ((c: Uint8Array) => void) | undefined;
    let decided = false;
    const decide = (): void => {
      decided = true;
      const first = Buffer.concat(head);
      if (first[0] === 0x1f && first[1] === 0x8b) {
        const layer = newLayer();
        this.entries.set(name, { kind: 'layer', layer });
        const parser = layerParser(layer, this.budget);
        const gunzip = createGunzip();
        this.gunzips.push(gunzip);
        gunzip.on('data', (c: Buffer) => {
          // A throw here would escape into the event loop (an uncaught exception in the extension host).
          try {
            parser.write(c);
          } catch (e) {
            this.fail(e);
          }
        });
        this.pendingGunzips.push(
          new Promise((ok) => {
            gunzip.on('end', () => ok());
            gunzip.on('close', () => ok());
            gunzip.on('error', (e) => {
              this.fail(new ImageArchiveError(`a gzip layer is corrupt: ${e.message}`));
              ok();
            });
          }),
        );
        sink = (c) => {
          if (!this.failure) gunzip.write(c);
        };
        this.finishers.set(name, () => gunzip.end());
      } else if (first.length >= 262 && first.subarray(257, 262).toString('latin1') === 'ustar') {
        const layer = newLayer();
        this.entries.set(name, { kind: 'layer', layer });
        const parser = layerParser(layer, this.budget);
        sink = (c) => parser.write(c);
      } else if (h.size <= MAX_JSON) {
        const parts: Uint8Array[] = [];
        sink = (c) => parts.push(Buffer.from(c));
        this.finishers.set(name, () => this.entries.set(name, { kind: 'blob', text: Buffer.concat(parts).toString('utf8') }));
      } else {
        sink = undefined;
      }
      sink?.(first);
      head = [];
    };
    let seen = 0;
    return (chunk) => {
      seen += chunk.length;
      if (!decided) {
        head.push(Buffer.from(chunk));
        headBytes += chunk.length;
        if (headBytes >= 512 || seen >= h.size) decide();
      } else sink?.(chunk);
      if (seen >= h.size) this.finishers.get(name)?.();
    };
  }

  private readonly finishers = new Map<string, () => void>();

  /** Rejects (never throws asynchronously elsewhere) with TarParseError or ImageArchiveError on any bad input. */
  async end(): Promise<SavedImage> {
    try {
      if (this.failure) throw this.failure;
      this.outer.end();
      for (const g of this.gunzips) if (!g.writableEnded) g.end(); // an entry cut short must not leave a stream open
      await Promise.all(this.pendingGunzips);
      if (this.failure) throw this.failure;
      return this.assemble();
    } catch (e) {
      this.fail(e);
      throw e instanceof TarParseError || e instanceof ImageArchiveError ? e : new ImageArchiveError(String(e));
    }
  }

  private get(path: string, depth = 0): Outer | undefined {
    const e = this.entries.get(cleanPath(path));
    return e?.kind === 'link' && depth < 8 ? this.get(e.target, depth + 1) : e;
  }

  private json(path: string): unknown {
    const e = this.get(path);
    if (e?.kind !== 'blob') throw new ImageArchiveError(`image archive lacks ${path}`);
    try {
      return JSON.parse(e.text);
    } catch {
      throw new ImageArchiveError(`${path} in the image archive is not JSON`);
    }
  }

  private layerAt(path: string): LayerFiles {
    const e = this.get(path);
    // An empty layer tar (1024 zero bytes) has no "ustar" header to sniff: it is a layer with no files.
    return e?.kind === 'layer' ? e.layer : newLayer();
  }

  private assemble(): SavedImage {
    if (this.get('manifest.json')) {
      // `docker save` (both the legacy and, from Docker 25, the OCI-compatible layout write manifest.json).
      const manifest = this.json('manifest.json') as Array<{ Config?: string; Layers?: string[] }>;
      const first = Array.isArray(manifest) ? manifest[0] : undefined;
      if (!first?.Config || !Array.isArray(first.Layers)) throw new ImageArchiveError('manifest.json has no image');
      const layout = this.get('oci-layout') ? 'oci' : 'docker';
      return { layout, config: this.json(first.Config) as ImageConfig, layers: first.Layers.map((l) => this.layerAt(l)) };
    }
    if (!this.get('index.json')) throw new ImageArchiveError('neither manifest.json nor index.json in the image archive');
    const blob = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
    let node = this.json('index.json') as { manifests?: Array<{ digest: string }>; config?: { digest: string }; layers?: Array<{ digest: string }> };
    for (let hops = 0; node.manifests && hops < 4; hops++) {
      const d = node.manifests[0]?.digest;
      if (!d) throw new ImageArchiveError('OCI index lists no manifest');
      node = this.json(blob(d)) as typeof node;
    }
    if (!node.config?.digest || !node.layers) throw new ImageArchiveError('OCI manifest lacks config or layers');
    return {
      layout: 'oci',
      config: this.json(blob(node.config.digest)) as ImageConfig,
      layers: node.layers.map((l) => this.layerAt(blob(l.digest))),
    };
  }
}

function resolve(dir: string, link: string): string {
  const parts = link.startsWith('/') ? [] : dir.split('/').filter((p) => p !== '');
  for (const p of link.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}

/** Convenience for tests and small images: read a whole archive from an async iterable of chunks. */
export async function readImageArchive(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<SavedImage> {
  const reader = new ImageArchiveReader();
  for await (const c of chunks) reader.write(c);
  return reader.end();
}
