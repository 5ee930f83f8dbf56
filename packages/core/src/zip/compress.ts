// Owns turning one file's bytes into a zip entry's data: CRC-32 and raw deflate at level 6 on the
// libuv thread pool (so several files compress at once), or stored when deflate does not help.
// Leaves the container format to zip-format.ts.
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw);

/** Fixed, so the same content always gives the same bytes (with the same zlib, i.e. Node version). */
export const DEFLATE_LEVEL = 6;

export interface CompressedData {
  crc32: number;
  size: number;
  compressedSize: number;
  method: number;
  data: Buffer;
}

/** Reads and compresses a file; fails if its size is not `expectedSize` (it changed since planning). */
export async function compressFile(absPath: string, expectedSize: number): Promise<CompressedData> {
  const raw = await readFile(absPath);
  if (raw.length !== expectedSize) {
    throw Object.assign(new Error(`${absPath} changed size while it was being zipped`), { code: 'EINPUTCHANGED', path: absPath });
  }
  return compressBuffer(raw);
}

export async function compressBuffer(raw: Buffer): Promise<CompressedData> {
  return finish(raw, raw.length === 0 ? raw : await deflateRaw(raw, { level: DEFLATE_LEVEL }));
}

/** The same as compressBuffer, on the calling thread (for compression workers). */
export function compressSync(raw: Buffer): CompressedData {
  return finish(raw, raw.length === 0 ? raw : zlib.deflateRawSync(raw, { level: DEFLATE_LEVEL }));
}

function finish(raw: Buffer, deflated: Buffer): CompressedData {
  // Stored when deflate would not shrink it, as Info-ZIP does: a rule of the content alone.
  const stored = deflated.length >= raw.length;
  return { crc32: zlib.crc32(raw), size: raw.length, compressedSize: stored ? raw.length : deflated.length, method: stored ? 0 : 8, data: stored ? raw : deflated };
}
