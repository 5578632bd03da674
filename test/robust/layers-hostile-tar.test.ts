/**
 * The image archive reader against hostile archives (issue 17): oversized pax headers and long names,
 * NaN and negative sizes, too many entries, corrupt gzip layers and bad tars inside gzip. Every one
 * must become a rejected `end()` (TarParseError or ImageArchiveError), never an uncaught exception,
 * a hang, or unbounded buffering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { ImageArchiveError, ImageArchiveReader, readImageArchive, TarParseError, TarStream } from '../../common/src/image-layers/index.js';
import { MAX_META_BYTES } from '../../common/src/image-layers/tar-stream.js';
import { chunked, tar, type TarItem } from '../unit/layers-tar-helper.js';

/** One 512-byte header with a raw (possibly bogus) size field and a correct checksum. */
function rawHeader(name: string, sizeField: string, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write(sizeField.padEnd(11, '\0').slice(0, 12), 124, 'latin1');
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function pax(records: Record<string, string>): Buffer {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rec = ` ${k}=${v}\n`;
    let len = rec.length + 1;
    while (String(len).length + rec.length !== len) len = String(len).length + rec.length;
    body += `${len}${rec}`;
  }
  const b = Buffer.from(body);
  return Buffer.concat([rawHeader('PaxHeader', b.length.toString(8).padStart(11, '0'), 'x'), b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

/** Runs `fn`, then waits a moment, and fails if anything escaped as an uncaught exception meanwhile. */
async function noUncaught(fn: () => Promise<void>): Promise<void> {
  const escaped: unknown[] = [];
  const onError = (e: unknown): void => void escaped.push(e);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
  assert.deepEqual(escaped, []);
}

const isReadError = (e: unknown): boolean => e instanceof TarParseError || e instanceof ImageArchiveError;

test('a pax header or GNU long name over the cap is refused from its header, before any of it is buffered', () => {
  for (const type of ['x', 'L', 'K']) {
    const seen: string[] = [];
    const t = new TarStream((h) => void seen.push(h.name));
    const huge = (MAX_META_BYTES + 1).toString(8).padStart(11, '0');
    assert.throws(() => t.write(rawHeader('././@LongLink', huge, type)), TarParseError);
    assert.deepEqual(seen, []);
  }
  // 8 GB declared in base-256: refused the same way.
  const h = rawHeader('PaxHeader', '', 'x');
  h[124] = 0x80;
  h[130] = 2; // 2 * 256^5 = 2 TB
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  assert.throws(() => new TarStream(() => undefined).write(h), /pax header of \d+ bytes/);
});

test('NaN, negative and non-numeric sizes are refused', () => {
  assert.throws(() => new TarStream(() => undefined).write(rawHeader('a', 'zzzzzzzzzzz', '0')), /bad entry size/);
  assert.throws(() => new TarStream(() => undefined).write(rawHeader('a', '-0000000005', '0')), /bad entry size/);
  for (const size of ['-5', 'NaN', '1e3', '0x10', '99999999999999999999', '']) {
    const t = new TarStream(() => undefined);
    assert.throws(() => t.write(Buffer.concat([pax({ size }), rawHeader('f', '00000000001', '0')])), /bad pax size/, size);
  }
  // A sane pax size still wins over the header's.
  const got: number[] = [];
  new TarStream((h) => void got.push(h.size)).write(Buffer.concat([pax({ size: '3' }), rawHeader('f', '00000000000', '0'), Buffer.alloc(512)]));
  assert.deepEqual(got, [3]);
});

test('entry counts are capped per stream and per image', async () => {
  const items: TarItem[] = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: '' }));
  const t = new TarStream(() => undefined, 10);
  assert.throws(() => t.write(tar(items)), /more than 10 entries/);
  const reader = new ImageArchiveReader({ entries: 20 });
  const read = async (): Promise<unknown> => {
    reader.write(tar([{ name: 'layer.tar', data: tar(items) }])); // a plain layer fails in write, as saveImage expects
    return reader.end();
  };
  await assert.rejects(read(), /too many files/);
});

test('a corrupt or truncated gzip layer, or a bad tar inside gzip: end() rejects, nothing escapes', async () => {
  const good = gzipSync(tar([{ name: 'a', data: 'x'.repeat(5000) }]));
  const corrupt = Buffer.from(good);
  for (let i = 20; i < corrupt.length - 8; i += 3) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
  const truncated = good.subarray(0, Math.floor(good.length / 2));
  const badInner = Buffer.from(tar([{ name: 'a', data: 'x' }]));
  badInner[0] = 0x41; // checksum no longer matches
  for (const [what, blob] of [
    ['corrupt', corrupt],
    ['truncated', truncated],
    ['bad inner tar', gzipSync(badInner)],
  ] as const) {
    await noUncaught(async () => {
      const archive = tar([
        { name: 'blobs/sha256/l', data: blob },
        { name: 'index.json', data: '{"manifests":[{"digest":"sha256:m"}]}' },
      ]);
      await assert.rejects(readImageArchive(chunked(archive, 100)), isReadError, what);
    });
  }
});

test('garbage instead of an archive: rejected with a read error, in any chunking', async () => {
  const garbage = Buffer.alloc(4096, 0x41);
  await noUncaught(async () => {
    await assert.rejects(readImageArchive(chunked(garbage, 1)), isReadError);
    await assert.rejects(readImageArchive([Buffer.alloc(700)]), isReadError); // truncated after a zero block
  });
});
