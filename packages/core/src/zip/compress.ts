// Owns turning one file's bytes into a zip entry's data: CRC-32 and raw deflate at level 6 on the
// libuv thread pool (so several files compress at once), or stored when deflate does not help.
// Leaves the container format to zip-format.ts.
import { ZipProblemError } from './zip-problem.js';
import { readRegularFile } from '../fs/read-regular.js';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw);

/** Fixed, so the same content always gives the same bytes (with the same zlib, i.e. Node version). */
export const DEFLATE_LEVEL = 6;

/**
 * What deflate's bytes depend on, part of every key of a zip or pack: the level, Node's bundled
 * zlib (a Chromium fork, whose output changed between Node releases) and the CPU architecture
 * (the fork picks its hash function by CPU, so equal bytes across architectures are not proven).
 */
export const COMPRESSOR = `deflate-${DEFLATE_LEVEL} zlib-${process.versions.zlib} ${process.arch}`;

export interface CompressedData {
  crc32: number;
  size: number;
  compressedSize: number;
  method: number;
  data: Buffer;
}

/** What the plan knew of a file: its size, and the xxhash64 of its contents that went into the key. */
export interface ExpectedContent {
  size: number;
  xxh64?: string | undefined;
}

/** xxhash64 of some bytes, as hex (hash/xxhash.ts). */
export type BytesHash = (bytes: Uint8Array) => string;

/**
 * Throws a ZipProblemError unless `raw` is what the key was computed from: a file edited between
 * planning and zipping must not be stored under the old key. Hashing the bytes already read for
 * compression costs a fraction of deflating them.
 */
export function verifyContent(
  raw: Buffer,
  absPath: string,
  expected: ExpectedContent,
  hash: BytesHash | undefined,
): void {
  const changed =
    raw.length !== expected.size
      ? 'changed size'
      : expected.xxh64 !== undefined && hash !== undefined && hash(raw) !== expected.xxh64
        ? 'changed'
        : undefined;
  if (changed) throw new ZipProblemError({ reason: 'input-changed', path: absPath, change: changed });
}

/** Reads and compresses a file, refusing it if it is not what the plan hashed (see verifyContent). */
export async function compressFile(
  absPath: string,
  expected: ExpectedContent,
  hash?: BytesHash,
): Promise<CompressedData> {
  const raw = await readRegularFile(absPath);
  verifyContent(raw, absPath, expected, hash);
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
  return {
    crc32: zlib.crc32(raw),
    size: raw.length,
    compressedSize: stored ? raw.length : deflated.length,
    method: stored ? 0 : 8,
    data: stored ? raw : deflated,
  };
}
