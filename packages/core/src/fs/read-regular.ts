// Owns opening an input so that the open itself can never block: O_NONBLOCK makes opening a fifo
// return at once, and the descriptor's own stat (not an earlier one of the path, which a swap can
// outdate) decides whether it is a regular file before a byte is read. Leaves hashing and
// compressing to their modules.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputProblemError, requireRegular } from './input-problem.js';
import { failure, type PathKind } from './path-kind.js';

// Not on Windows, where a fifo cannot be met in a walk anyway.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A descriptor of `absPath`, which must be a regular file (InputProblemError otherwise). */
export function openRegularSync(absPath: string): number {
  const fd = openSync(absPath, FLAGS);
  try {
    requireRegular(absPath, fstatSync(fd));
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

export function readRegularFileSync(absPath: string): Buffer {
  const fd = openRegularSync(absPath);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function openRegular(absPath: string): Promise<FileHandle> {
  const handle = await open(absPath, FLAGS);
  try {
    requireRegular(absPath, await handle.stat());
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export async function readRegularFile(absPath: string): Promise<Buffer> {
  const handle = await openRegular(absPath);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
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
export function tryReadRegularFile(p: string): ReadResult {
  try {
    return { ok: true, bytes: readRegularFileSync(p) };
  } catch (error) {
    if (
      error instanceof InputProblemError &&
      error.problem.problem === 'not-regular' &&
      error.problem.type !== 'name-not-utf8'
    )
      return { ok: false, reason: 'not-regular', kind: error.problem.type };
    return { reason: 'error', ...failure(error) };
  }
}
