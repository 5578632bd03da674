/**
 * Writing fixed text back: atomically (the original stays intact if anything fails), never through a
 * symbolic link, never replacing a link, and never over a file that changed identity since it was read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayPath } from '../../../common/src/text/sanitize.js';
import { randomBytes } from 'node:crypto';
import { isInside, repositoryOf, type Input } from './read-input.js';

/** Refuses (with a message naming the file) when `file` is now a symbolic link or another file than was read. */
export function assertSameFile(file: string, read: Input): void {
  const name = displayPath(file);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st) throw new Error(`${name}: disappeared while fixing; nothing written`);
  if (st.isSymbolicLink()) {
    let target = '?';
    try {
      target = displayPath(fs.readlinkSync(file));
    } catch {
      /* keep ? */
    }
    throw new Error(`${name}: is a symbolic link (to ${target}); not rewritten. Fix the file it points to, or use --stdout`);
  }
  if (!st.isFile() || (read.ino !== undefined && (st.ino !== read.ino || st.dev !== read.dev))) {
    throw new Error(`${name}: changed while fixing; nothing written`);
  }
}

/** Writes `text` over `file` atomically, after checking that it is still the regular file that was read. */
export function writeAtomic(file: string, text: string, read: Input): void {
  assertSameFile(file, read);
  fs.accessSync(file, fs.constants.W_OK); // a read-only file stays as it is (renaming over it would succeed)
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.dockerfile-slim-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx', mode: read.mode !== undefined ? read.mode & 0o777 : 0o644 }); // never follows a planted file or link
    if (read.mode !== undefined) fs.chmodSync(tmp, read.mode & 0o777);
    assertSameFile(file, read); // the rename replaces whatever is there now: check again, as late as possible
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes `text` to `file` (a report, a baseline) without ever writing through a symbolic link: refused when `file`
 * is a link or not a regular file, or when its folder resolves outside the folder it names inside the repository
 * (a committed `out -> /etc`); written to a fresh unpredictable name beside it, then renamed over it.
 */
export function writeReport(file: string, text: string): void {
  const name = displayPath(file);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw new Error(`${name}: is a symbolic link; not written through`);
  if (st && !st.isFile()) throw new Error(`${name}: is not a regular file; not written`);
  const dir = path.dirname(path.resolve(file));
  const realDir = fs.realpathSync(dir);
  const repo = fs.realpathSync(repositoryOf(file));
  if (isInside(dir, repo) && !isInside(realDir, repo)) throw new Error(`${name}: its folder is a symbolic link out of the repository; not written`);
  const tmp = path.join(realDir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
    fs.renameSync(tmp, path.join(realDir, path.basename(file)));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
