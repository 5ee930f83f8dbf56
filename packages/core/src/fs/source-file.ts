// Owns the description of one file found on disk, as the walk and the hashers see it.
// Leaves finding files to walk.ts.
import type { BigIntStats } from 'node:fs';

export interface FileStat {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  exec: boolean;
}

/** A file to package: where it is, and where it goes relative to its include root. */
export interface SourceFile extends FileStat {
  absPath: string;
  /** Path relative to the walked root, '/'-separated. */
  relPath: string;
  /** The device it is on: with `ino`, tells whether it is the file juni's own output goes to. */
  dev: bigint;
}

export function toFileStat(stats: BigIntStats): FileStat {
  return {
    size: Number(stats.size),
    mtimeNs: stats.mtimeNs,
    ctimeNs: stats.ctimeNs,
    ino: stats.ino,
    exec: (Number(stats.mode) & 0o111) !== 0,
  };
}
