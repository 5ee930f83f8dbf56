// Owns asking what a path is (a regular file, a folder, or something that could block a read: a
// FIFO, a socket, a device) and reading a file only when it is a regular one.
// Leaves deciding which kinds a setting accepts, and the wording, to the callers.
import { statSync, type BigIntStats, type Stats } from 'node:fs';

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

export function kindOf(s: Stats | BigIntStats): PathKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char-device';
  if (s.isBlockDevice()) return 'block-device';
  return 'other';
}

export function failure(error: unknown): { ok: false; code: string; message: string } {
  const e = error as NodeJS.ErrnoException;
  return { ok: false, code: typeof e.code === 'string' ? e.code : 'EUNKNOWN', message: e.message };
}
