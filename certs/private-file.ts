/**
 * Files that hold secrets (private keys, key-encryption keys): written
 * atomically with mode 0600, and refused on read when group or others can
 * access them — a world-readable key file is a leaked key, and failing loudly
 * at start is the only moment anyone will notice.
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type PrivateFileErrorCode = 'not-found' | 'exists' | 'insecure-mode' | 'not-a-file';

/** A secret file is missing, already exists, or is not private. Messages name the path, never the content. */
export class PrivateFileError extends Error {
  constructor(readonly code: PrivateFileErrorCode, readonly path: string, message: string) {
    super(message);
    this.name = 'PrivateFileError';
  }
}

// Windows has no POSIX mode bits; its ACLs are out of scope here.
const CHECK_MODE = process.platform !== 'win32';

/**
 * Read a secret file, refusing one that group or others may read, write or execute.
 * The check is on the opened descriptor, so the file cannot be swapped between check and read.
 * @throws PrivateFileError ('not-found' | 'not-a-file' | 'insecure-mode')
 */
export function readPrivateFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PrivateFileError('not-found', path, `${path} does not exist`);
    throw err;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PrivateFileError('not-a-file', path, `${path} is not a regular file`);
    if (CHECK_MODE && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new PrivateFileError('insecure-mode', path, `${path} has mode ${mode}; a secret file must not be accessible by group or others (run: chmod 600 ${path})`);
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Write a secret file atomically (temp file in the same directory, fsync, rename, fsync the
 * directory), mode 0600. A crash leaves either the old or the new content, never half of one.
 * With `exclusive`, fails instead of replacing an existing file (link(2) is atomic no-clobber).
 * @throws PrivateFileError('exists') when `exclusive` and the file exists
 */
export function writePrivateFileAtomic(path: string, content: string | Buffer, options: { exclusive?: boolean } = {}): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let renamed = false;
  try {
    try {
      fchmodSync(fd, 0o600); // the umask can only remove bits, but be explicit
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.exclusive) {
      try {
        linkSync(temp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new PrivateFileError('exists', path, `${path} already exists; refusing to overwrite it`);
        throw err;
      }
    } else {
      renameSync(temp, path);
      renamed = true;
    }
    syncDirectory(dirname(path));
  } finally {
    if (!renamed) unlinkQuietly(temp);
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Not every platform can fsync a directory (Windows); the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
