// Owns asking what a path is (a regular file, a folder, or something that could block a read: a
// FIFO, a socket, a device) and reading a file only when it is a regular one.
// Leaves deciding which kinds a setting accepts, and the wording, to the callers.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';

export type PathKind = 'file' | 'dir' | 'fifo' | 'socket' | 'char-device' | 'block-device' | 'other';

export type PathLookup = { ok: true; kind: PathKind } | { ok: false; code: string; message: string };

/** What `p` is, symlinks followed; a failed look-up says why (ENOENT, ENOTDIR, EACCES, ELOOP...). */
export function lookupPath(p: string): PathLookup {
  try {
    return { ok: true, kind: kindOf(statSync(p)) };
  } catch (error) {
    return failure(error);
  }
}

export type ReadResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'not-regular'; kind: PathKind }
  | { ok: false; reason: 'error'; code: string; message: string };

/**
 * The bytes of `p` when it is a regular file. Opened without blocking and checked on the open
 * descriptor, so a FIFO (which would wait for a writer forever) or a device (/dev/zero never ends)
 * is refused before a single read, also when it replaced the file after a look-up.
 */
export function readRegularFile(p: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { reason: 'error', ...failure(error) };
  }
  try {
    const kind = kindOf(fstatSync(fd));
    if (kind !== 'file') return { ok: false, reason: 'not-regular', kind };
    return { ok: true, bytes: readFileSync(fd) };
  } catch (error) {
    return { reason: 'error', ...failure(error) };
  } finally {
    closeSync(fd);
  }
}

/** How a kind is named to a user: "a FIFO (named pipe)", "a folder". */
export function describeKind(kind: PathKind): string {
  switch (kind) {
    case 'file':
      return 'a file';
    case 'dir':
      return 'a folder';
    case 'fifo':
      return 'a FIFO (named pipe)';
    case 'socket':
      return 'a socket';
    case 'char-device':
      return 'a character device';
    case 'block-device':
      return 'a block device';
    case 'other':
      return 'neither a file nor a folder';
  }
}

function kindOf(s: Stats): PathKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char-device';
  if (s.isBlockDevice()) return 'block-device';
  return 'other';
}

function failure(error: unknown): { ok: false; code: string; message: string } {
  const e = error as NodeJS.ErrnoException;
  return { ok: false, code: typeof e.code === 'string' ? e.code : 'EUNKNOWN', message: e.message };
}
