// Owns the bytes of the ZIP container: local headers, central directory records and the end
// record, with every field fixed except what the entry's content decides. Leaves compression to
// compress.ts and ordering to zip-writer.ts.
import type { ZipTime } from './timestamp.js';

/** What an entry's headers need: everything but the data itself. */
export interface EntryHeader {
  name: Buffer;
  crc32: number;
  compressedSize: number;
  size: number;
  /** 8 deflate, 0 stored. */
  method: number;
  exec: boolean;
}

/** General purpose flag 11: names are UTF-8. */
const UTF8 = 0x0800;
/** Made by Unix (3) with spec 2.0, so unzip tools honour the external attributes' mode. */
const MADE_BY = (3 << 8) | 20;
const NEEDED = 20;
const FILE_MODE = 0o100000;

export const MAX_ENTRIES = 0xffff;
export const MAX_OFFSET = 0xffffffff;

export function dosTime(time: ZipTime): { date: number; time: number } {
  const d = time.date;
  return {
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

/**
 * The fields local and central headers share, in the same order (version needed through name
 * length), written at `at`: offset 4 in a local header, 6 in a central one.
 */
function writeShared(b: Buffer, at: number, entry: EntryHeader, dos: { date: number; time: number }): void {
  b.writeUInt16LE(NEEDED, at);
  b.writeUInt16LE(UTF8, at + 2);
  b.writeUInt16LE(entry.method, at + 4);
  b.writeUInt16LE(dos.time, at + 6);
  b.writeUInt16LE(dos.date, at + 8);
  b.writeUInt32LE(entry.crc32 >>> 0, at + 10);
  b.writeUInt32LE(entry.compressedSize, at + 14);
  b.writeUInt32LE(entry.size, at + 18);
  b.writeUInt16LE(entry.name.length, at + 22);
}

export function localHeader(entry: EntryHeader, dos: { date: number; time: number }): Buffer {
  const b = Buffer.alloc(30 + entry.name.length);
  b.writeUInt32LE(0x04034b50, 0);
  writeShared(b, 4, entry, dos);
  // extra field length: zero
  entry.name.copy(b, 30);
  return b;
}

export function centralHeader(entry: EntryHeader, dos: { date: number; time: number }, offset: number): Buffer {
  const b = Buffer.alloc(46 + entry.name.length);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY, 4);
  writeShared(b, 6, entry, dos);
  // extra length, comment length, disk number, internal attributes: all zero
  b.writeUInt32LE(((FILE_MODE | (entry.exec ? 0o755 : 0o644)) << 16) >>> 0, 38);
  b.writeUInt32LE(offset, 42);
  entry.name.copy(b, 46);
  return b;
}

export function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}
