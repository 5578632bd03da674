/**
 * Reading the CLI's input files without trusting them. A committed `Dockerfile -> /dev/zero` must not
 * be read at all, a symbolic link out of the repository must not be read (its words would be quoted in
 * CI logs), a FIFO must not hang the run, and the size cap applies before a byte is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayPath } from '../../../common/src/text/sanitize.js';

/** The input size cap in bytes (the engine's own cap is 5 M characters). */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

export interface Input {
  text: string;
  /** Identity of the regular file that was read (absent for standard input). */
  dev?: number;
  ino?: number;
  mode?: number;
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** `size` undefined: a stream that went past the limit. */
function tooLarge(name: string, size: number | undefined, limit: number): Error {
  return new Error(`${name}: too large (${size !== undefined ? mb(size) : `over ${mb(limit)}`}; the limit is ${limit / 1048576} MB)`);
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** True when `p` is `dir` or inside it (both absolute and real). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The repository a path belongs to: the nearest folder above it with a `.git`; without one, the
 * current directory when the path is under it, else the path's own folder.
 */
export function repositoryOf(file: string): string {
  const abs = path.resolve(file);
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const cwd = process.cwd();
  return isInside(abs, cwd) ? cwd : path.dirname(abs);
}

function errnoMessage(name: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new Error(`${name}: no such file`);
  if (code === 'EISDIR') return new Error(`${name}: is a directory`);
  if (code === 'ELOOP') return new Error(`${name}: too many levels of symbolic links`);
  return new Error(`${name}: cannot read (${code ?? String(e)})`);
}

/** Reads at most `limit + 1` bytes from an open descriptor (a pipe may say nothing about its size). */
function readCapped(fd: number, limit: number, name: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const buf = Buffer.alloc(Math.min(65536, limit + 1 - total));
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, 10); // a non-blocking pipe with nothing in it yet
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > limit) throw tooLarge(name, undefined, limit);
  }
  return Buffer.concat(chunks, total);
}

function decode(buf: Buffer, name: string): string {
  if (buf.subarray(0, 8192).includes(0)) throw new Error(`${name}: not a text file`);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a BOM is not part of the first instruction
}

/** Standard input: a regular file is size-checked first, a pipe is read up to the cap. */
function readStdin(limit: number): Input {
  const st = fs.fstatSync(0);
  if (st.isFile() && st.size > limit) throw tooLarge('-', st.size, limit);
  return { text: decode(readCapped(0, limit, '-'), '-') };
}

/**
 * Reads one input file. Refused (an Error whose message names the file) when it is missing, not a
 * regular file, a symbolic link to a device or to a file outside its repository, larger than `limit`,
 * or binary.
 */
export function readInput(file: string, limit = MAX_INPUT_BYTES): Input {
  if (file === '-') return readStdin(limit);
  const name = displayPath(file);
  let link: fs.Stats;
  let real: string;
  try {
    link = fs.lstatSync(file);
    real = fs.realpathSync(file);
  } catch (e) {
    const dangling = (e as NodeJS.ErrnoException).code === 'ENOENT' && fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink();
    throw dangling ? new Error(`${name}: is a symbolic link to a missing file`) : errnoMessage(name, e);
  }
  const viaLink = link.isSymbolicLink() || real !== path.resolve(file);
  const target = displayPath(real);
  const st = fs.statSync(real); // a stat opens nothing: safe on a device or a FIFO
  if (!st.isFile()) throw new Error(viaLink ? `${name}: is a symbolic link to ${target}, ${kindOf(st)}; not read` : `${name}: is ${kindOf(st)}; not read`);
  if (viaLink) {
    const repo = fs.realpathSync(repositoryOf(file));
    if (!isInside(real, repo)) {
      throw new Error(`${name}: is a symbolic link to ${target}, outside the repository ${displayPath(repo)}; not read`);
    }
  }
  if (st.size > limit) throw tooLarge(name, st.size, limit);
  let fd: number;
  try {
    // O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it does not hang.
    fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    throw errnoMessage(name, e);
  }
  try {
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw new Error(`${name}: is ${kindOf(opened)}; not read`);
    if (opened.size > limit) throw tooLarge(name, opened.size, limit);
    const text = decode(readCapped(fd, limit, name), name);
    return { text, dev: opened.dev, ino: opened.ino, mode: opened.mode };
  } finally {
    fs.closeSync(fd);
  }
}
