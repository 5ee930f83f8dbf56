// Owns dependency packs: every file of an installed tree compressed once, concatenated into one
// file, so each zip that contains the tree copies those bytes raw instead of deflating them again.
// Leaves placing entries into zips to zip-writer.ts.
import type { CompressedData } from './compress.js';
import { inThreadCompressor, type Compressor } from './compressor-pool.js';
import { SequentialFile } from './zip-writer.js';

export interface PackInput {
  path: string;
  absPath: string;
  size: number;
}

/** Where one file's compressed data sits in the pack. */
export interface PackedEntry {
  offset: number;
  compressedSize: number;
  crc32: number;
  method: number;
}

export interface WrittenPack {
  /** One per file, in the order they were added. */
  entries: PackedEntry[];
  sha256: string;
  bytes: number;
}

/** Files compressing ahead of the writes, at most (with their bytes, below). */
const MAX_AHEAD = 64;
const MAX_AHEAD_BYTES = 32 * 1024 * 1024;

/**
 * A pack written as its files arrive: each file's compression starts when it is added (on the
 * compressor's threads), and the data is written in the order of adding. Adding waits while too
 * many bytes are still compressing, so a caller reading a stream (a tar from a container) holds
 * at most a bounded amount in memory.
 */
export class PackStream {
  readonly #out: SequentialFile;
  readonly #queue: { data: Promise<CompressedData>; weight: number }[] = [];
  readonly #entries: PackedEntry[] = [];
  #weight = 0;

  private constructor(out: SequentialFile) {
    this.#out = out;
  }

  static async create(dest: string): Promise<PackStream> {
    return new PackStream(await SequentialFile.create(dest));
  }

  /** Queues one file's compressed data (`weight`: its size); returns its index among the entries. */
  async add(data: Promise<CompressedData>, weight: number): Promise<number> {
    // A failure surfaces when the entry is written; until then keep it from being "unhandled".
    data.catch(() => undefined);
    this.#queue.push({ data, weight });
    this.#weight += weight;
    const index = this.#entries.length + this.#queue.length - 1;
    while (this.#queue.length > MAX_AHEAD || (this.#queue.length > 1 && this.#weight > MAX_AHEAD_BYTES))
      await this.#writeHead();
    return index;
  }

  async #writeHead(): Promise<void> {
    const head = this.#queue.shift()!;
    this.#weight -= head.weight;
    const data = await head.data;
    this.#entries.push({
      offset: this.#out.offset,
      compressedSize: data.compressedSize,
      crc32: data.crc32,
      method: data.method,
    });
    await this.#out.write(data.data);
  }

  async close(): Promise<WrittenPack> {
    while (this.#queue.length > 0) await this.#writeHead();
    const { sha256, bytes } = await this.#out.close();
    return { entries: this.#entries, sha256, bytes };
  }

  /** After a failure: lets compressions in flight settle and closes the file (the caller deletes it). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#queue.map((q) => q.data));
    this.#queue.length = 0;
    await this.#out.abandon();
  }
}

/** Compresses `files` into `dest` (in the given order); returns each file's place and the pack's sha256. */
export async function writePack(
  files: readonly PackInput[],
  dest: string,
  compressor: Compressor = inThreadCompressor(undefined),
): Promise<WrittenPack> {
  const pack = await PackStream.create(dest);
  try {
    for (const f of files) await pack.add(compressor.compressFile(f.absPath, { size: f.size }), f.size);
    return await pack.close();
  } finally {
    await pack.abandon();
  }
}
