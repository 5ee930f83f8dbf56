// Owns writing one deterministic zip: sorted entries, one timestamp, 0644/0755 modes, deflate
// level 6, no extra fields. Leaves choosing the entries to zip/plan.ts.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ZipTime } from './timestamp.js';

export interface ZipEntry {
  /** Path inside the zip, '/'-separated. */
  archivePath: string;
  absPath: string;
  /** Expected size; a file that changed size since it was planned fails the write. */
  size: number;
  exec: boolean;
}

export interface WrittenZip {
  sha256: string;
  bytes: number;
}

const FILE = 0o100000;

/**
 * Writes `entries` (sorted here by byte order of their paths) to `dest`. The same entries and file
 * contents always give the same bytes, whatever the machine, checkout path, umask or mtimes.
 */
export async function writeZip(entries: readonly ZipEntry[], dest: string, time: ZipTime): Promise<WrittenZip> {
  const zip = new yazl.ZipFile();
  const sorted = [...entries].sort((a, b) => compareBytes(a.archivePath, b.archivePath));
  for (const entry of sorted) {
    zip.addReadStreamLazy(entry.archivePath, {
      mtime: time.date,
      mode: FILE | (entry.exec ? 0o755 : 0o644),
      compress: true,
      compressionLevel: 6,
      forceDosTimestamp: true,
      size: entry.size,
    }, (cb) => cb(null, createReadStream(entry.absPath)));
  }
  zip.end();
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(zip.outputStream, tap, createWriteStream(dest, { mode: 0o644 }));
  return { sha256: hash.digest('hex'), bytes };
}

/** Orders by UTF-8 bytes, the order unzip tools and other implementations agree on. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
