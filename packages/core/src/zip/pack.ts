// Owns dependency packs: every file of an installed tree compressed once, concatenated into one
// file, so each zip that contains the tree copies those bytes raw instead of deflating them again.
// Leaves placing entries into zips to zip-writer.ts.
import { inThreadCompressor, type Compressor } from './compressor-pool.js';
import { inOrder } from './ordered-pipeline.js';
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

/** Compresses `files` into `dest` (in the given order); returns each file's place and the pack's sha256. */
export async function writePack(
  files: readonly PackInput[],
  dest: string,
  compressor: Compressor = inThreadCompressor(undefined),
): Promise<{ entries: PackedEntry[]; sha256: string; bytes: number }> {
  const out = await SequentialFile.create(dest);
  const entries: PackedEntry[] = [];
  try {
    await inOrder(
      files,
      { maxAhead: 64, maxWeight: 32 * 1024 * 1024 },
      (f) => f.size,
      (f) => compressor.compressFile(f.absPath, { size: f.size }),
      async (_f, data) => {
        entries.push({
          offset: out.offset,
          compressedSize: data.compressedSize,
          crc32: data.crc32,
          method: data.method,
        });
        await out.write(data.data);
      },
    );
    const { sha256, bytes } = await out.close();
    return { entries, sha256, bytes };
  } finally {
    await out.abandon();
  }
}
