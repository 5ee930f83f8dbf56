// Owns writing one deterministic zip from files and from already-compressed entries (copied raw
// out of a dependency pack), compressing files on several threads and writing in sorted order.
// Leaves choosing the entries to run/zip-layout.ts and the byte layout to zip-format.ts.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { CompressedData } from './compress.js';
import { inThreadCompressor, type Compressor } from './compressor-pool.js';
import { inOrder } from './ordered-pipeline.js';
import type { ZipTime } from './timestamp.js';
import { ZipProblemError, zipProblemOf, type ZipProblem } from './zip-problem.js';
import {
  MAX_ENTRIES,
  MAX_OFFSET,
  centralHeader,
  dosTime,
  endOfCentralDirectory,
  localHeader,
  type EntryHeader,
} from './zip-format.js';

/** A file on disk, compressed while the zip is written. */
export interface FileSource {
  kind: 'file';
  archivePath: string;
  absPath: string;
  size: number;
  exec: boolean;
  /** The xxhash64 the node's key holds for this file: other bytes fail the zip (input-changed). */
  xxh64?: string | undefined;
}

/** An entry compressed earlier: its data is copied raw from `pack` at `offset`. */
export interface PackedSource {
  kind: 'packed';
  archivePath: string;
  exec: boolean;
  pack: string;
  offset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  method: number;
}

export type ZipSource = FileSource | PackedSource;

export interface WrittenZip {
  sha256: string;
  bytes: number;
}

export type WriteZipResult = ({ ok: true } & WrittenZip) | { ok: false; problem: ZipProblem };

/** Without a pool or a hasher, files compress on libuv's thread pool, checked by size only. */
const sizeChecked: Compressor = inThreadCompressor(undefined);

/** Enough read-ahead to keep the thread pool busy, little enough to keep memory flat. */
const LIMITS = { maxAhead: 64, maxWeight: 32 * 1024 * 1024 };

/** Orders by UTF-8 bytes, the order unzip tools and other implementations agree on. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Writes the entries (sorted here) to `dest`. Identical entries and contents always give identical
 * bytes: one timestamp, modes 0644/0755, level-6 deflate (stored when that does not shrink), no
 * extra fields, and a packed entry's data is exactly what compressing its file would give.
 * An input that is not what the key says, or a zip too big for the format, is a result, not a throw;
 * nothing is left at `dest` then.
 */
export async function writeZip(
  sources: readonly ZipSource[],
  dest: string,
  time: ZipTime,
  compressor: Compressor = sizeChecked,
): Promise<WriteZipResult> {
  try {
    return { ok: true, ...(await write(sources, dest, time, compressor)) };
  } catch (error) {
    const problem = zipProblemOf(error);
    if (!problem) throw error;
    rmSync(dest, { force: true });
    return { ok: false, problem };
  }
}

async function write(
  sources: readonly ZipSource[],
  dest: string,
  time: ZipTime,
  compressor: Compressor,
): Promise<WrittenZip> {
  const sorted = [...sources].sort((a, b) => compareBytes(a.archivePath, b.archivePath));
  // Lambda caps packages far below what needs ZIP64 (65,535 entries, 4 GiB), so juni does not write it.
  if (sorted.length > MAX_ENTRIES) {
    throw new ZipProblemError({ reason: 'needs-zip64', entries: sorted.length, overFourGiB: false });
  }
  const dos = dosTime(time);
  const out = await SequentialFile.create(dest);
  const packs = new PackReader();
  const central: Buffer[] = [];
  try {
    await inOrder(
      sorted,
      LIMITS,
      (s) => (s.kind === 'file' ? s.size : s.compressedSize),
      (s) => (s.kind === 'file' ? compressor.compressFile(s.absPath, { size: s.size, xxh64: s.xxh64 }) : packs.read(s)),
      async (s, data) => {
        const header: EntryHeader = {
          name: Buffer.from(s.archivePath),
          crc32: data.crc32,
          compressedSize: data.compressedSize,
          size: data.size,
          method: data.method,
          exec: s.exec,
        };
        central.push(centralHeader(header, dos, out.offset));
        await out.write(localHeader(header, dos));
        await out.write(data.data);
      },
    );
    const cdOffset = out.offset;
    const cd = Buffer.concat(central);
    await out.write(cd);
    await out.write(endOfCentralDirectory(sorted.length, cd.length, cdOffset));
    if (out.offset > MAX_OFFSET) {
      throw new ZipProblemError({ reason: 'needs-zip64', entries: sorted.length, overFourGiB: true });
    }
    return await out.close();
  } finally {
    await packs.close();
    await out.abandon();
  }
}

/**
 * Reads entries' compressed bytes out of packs. Entries come in path order, which is the packs'
 * order, so reads go through one 8 MiB window per pack instead of one read per entry.
 */
class PackReader {
  readonly #handles = new Map<string, Promise<FileHandle>>();
  readonly #windows = new Map<string, Promise<{ start: number; data: Buffer }>>();

  async read(s: PackedSource): Promise<CompressedData> {
    const end = s.offset + s.compressedSize;
    let window = this.#windows.get(s.pack);
    let w = window ? await window : undefined;
    if (!w || s.offset < w.start || end > w.start + w.data.length) {
      window = this.#load(s.pack, s.offset, Math.max(WINDOW, s.compressedSize));
      this.#windows.set(s.pack, window);
      w = await window;
    }
    if (end > w.start + w.data.length) {
      throw new ZipProblemError({ reason: 'input-changed', path: s.pack, change: 'truncated' });
    }
    const data = w.data.subarray(s.offset - w.start, end - w.start);
    return { crc32: s.crc32, size: s.size, compressedSize: s.compressedSize, method: s.method, data };
  }

  async #load(pack: string, start: number, length: number): Promise<{ start: number; data: Buffer }> {
    let handle = this.#handles.get(pack);
    if (!handle) {
      handle = open(pack, 'r');
      this.#handles.set(pack, handle);
    }
    const data = Buffer.allocUnsafe(length);
    const { bytesRead } = await (await handle).read(data, 0, length, start);
    return { start, data: data.subarray(0, bytesRead) };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#windows.values());
    const handles = await Promise.allSettled(this.#handles.values());
    for (const h of handles) if (h.status === 'fulfilled') await h.value.close();
  }
}

const WINDOW = 8 * 1024 * 1024;

/** Appends with a 1 MiB buffer, counting bytes and hashing them on the way. */
export class SequentialFile {
  offset = 0;
  readonly #handle: FileHandle;
  readonly #hash = createHash('sha256');
  #chunks: Buffer[] = [];
  #buffered = 0;
  #closed = false;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  static async create(path: string): Promise<SequentialFile> {
    return new SequentialFile(await open(path, 'w', 0o644));
  }

  async write(data: Buffer): Promise<void> {
    this.#hash.update(data);
    this.offset += data.length;
    this.#chunks.push(data);
    this.#buffered += data.length;
    if (this.#buffered >= 1 << 20) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0) return;
    const data = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    await this.#handle.write(data);
  }

  async close(): Promise<WrittenZip> {
    await this.#flush();
    this.#closed = true;
    await this.#handle.close();
    return { sha256: this.#hash.digest('hex'), bytes: this.offset };
  }

  /** Closes the handle after a failure; the caller deletes the temp file. */
  async abandon(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}
