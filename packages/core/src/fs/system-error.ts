// Owns telling a file-system error the machine caused (permissions, a full or read-only disk, a
// file where a folder should be) from a bug, and saying what to do about it.

export interface SystemErrorInfo {
  message: string;
  hint: string;
}

const HINTS: Record<string, string> = {
  EACCES: 'check the permissions of that path (juni runs as the current user)',
  EPERM: 'check the permissions of that path (juni runs as the current user)',
  EROFS: 'that file system is read-only: point the output or JUNI_CACHE_DIR at a writable one',
  ENOSPC: 'the disk is full: free space, or lower the cache size cap (JUNI_CACHE_MAX_SIZE)',
  EDQUOT: 'the disk quota is used up: free space, or lower the cache size cap (JUNI_CACHE_MAX_SIZE)',
  ENOTDIR: 'a file is where juni needs a folder: move it away',
  EISDIR: 'a folder is where juni needs a file: move it away',
  EEXIST: 'a file is where juni needs a folder: move it away',
  EMFILE: 'too many open files: raise the limit (ulimit -n) or build fewer nodes at once',
  ENFILE: 'too many open files: raise the limit (ulimit -n) or build fewer nodes at once',
};

/** The message and hint for a Node system error of the file system; undefined for anything else. */
export function systemError(error: unknown): SystemErrorInfo | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  const hint =
    e.code === 'ENOENT' && e.syscall === 'mkdir'
      ? 'this file system does not let juni create that folder: choose another place (JUNI_CACHE_DIR, global.output)'
      : HINTS[e.code];
  if (!hint) return undefined;
  // A copy or rename names both ends; the one refused is as often the destination (the output folder).
  const dest = (e as { dest?: unknown }).dest;
  const where = (typeof e.path === 'string' ? ` ${e.path}` : '') + (typeof dest === 'string' ? ` to ${dest}` : '');
  return { message: `${e.code}: cannot ${e.syscall}${where}`, hint };
}
