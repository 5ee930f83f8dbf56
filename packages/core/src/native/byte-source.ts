// Owns reading byte ranges of a file or a buffer without ever reading past its end, so that a
// parser asks for exactly the few ranges it needs of a large file. Leaves what the bytes mean to it.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegularSync } from '../fs/read-regular.js';

/** Random access to bytes whose length is known up front. */
export interface ByteSource {
  readonly size: number;
  /**
   * The `length` bytes at `offset`, or undefined when any of them lies outside the source (or the
   * file shrank since it was opened). Never a shorter buffer.
   */
  read(offset: number, length: number): Uint8Array | undefined;
}

function inBounds(size: number, offset: number, length: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0
    ? offset + length <= size
    : false;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      inBounds(bytes.length, offset, length) ? bytes.subarray(offset, offset + length) : undefined,
  };
}

/**
 * Calls `use` with a source over the file at `absPath` and closes it afterwards. The file must be
 * regular (a fifo would block): InputProblemError otherwise; other I/O errors are thrown as they come.
 */
export function withFileSource<T>(absPath: string, use: (source: ByteSource) => T): T {
  const fd = openRegularSync(absPath);
  try {
    const size = fstatSync(fd).size;
    return use({
      size,
      read(offset, length) {
        if (!inBounds(size, offset, length)) return undefined;
        const out = Buffer.alloc(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, offset + done);
          if (n === 0) return undefined;
          done += n;
        }
        return out;
      },
    });
  } finally {
    closeSync(fd);
  }
}
