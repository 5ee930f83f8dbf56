// Owns turning zips into one tar stream for the engine's archive upload: streamed entry by entry
// (never a whole zip in memory), root-owned, fixed times, a later zip's file replacing an earlier's.
// Leaves where the tar is unpacked (and into which container) to lambda-run.ts.
import type { Readable } from 'node:stream';
import type tar from 'tar-stream';
import yauzl from 'yauzl';
import { isPlainRelativePath } from '@juni/core';
import { addEntry } from './tar-upload.js';

/** A zip juni will not unpack: an entry that could land outside its folder, or a link. */
export class RefusedZip extends Error {}

/** Every entry gets this time, so what lands in the container does not depend on the zip's clock. */
const MTIME = new Date('1980-01-01T00:00:00Z');

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

interface ZipFile {
  path: string;
  zip: yauzl.ZipFile;
  entries: yauzl.Entry[];
}

/**
 * Writes the entries of `zips` to `pack` and finalizes it: first a 0755 directory for every folder
 * (named or implied), then the files. For a path in several zips the LAST zip's file wins, as Lambda
 * applies layers in order. Entries are owned by root; a file keeps the unix mode its zip recorded
 * (else 0644). Throws RefusedZip for an absolute name, a `..`, a link or a special file.
 */
export async function zipsToTar(zips: readonly string[], pack: tar.Pack): Promise<void> {
  const opened: ZipFile[] = [];
  try {
    for (const zip of zips) opened.push(await listZip(zip));
    const { folders, winners } = plan(opened);
    for (const [name, mode] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      await addEntry(pack, { name, type: 'directory', mode, uid: 0, gid: 0, mtime: MTIME });
    for (const file of opened) {
      for (const entry of file.entries) {
        if (winners.get(fileName(entry)) !== entry) continue;
        const data = await openEntry(file, entry);
        const header = {
          name: fileName(entry),
          type: 'file' as const,
          mode: fileMode(entry),
          size: entry.uncompressedSize,
        };
        await addEntry(pack, { ...header, uid: 0, gid: 0, mtime: MTIME }, data);
      }
    }
    pack.finalize();
  } finally {
    for (const file of opened) file.zip.close();
  }
}

/** Which folders the tar holds (with their modes) and which entry each file path takes. */
function plan(opened: readonly ZipFile[]): { folders: Map<string, number>; winners: Map<string, yauzl.Entry> } {
  const folders = new Map<string, number>();
  const winners = new Map<string, yauzl.Entry>();
  for (const file of opened) {
    for (const entry of file.entries) {
      const name = fileName(entry);
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (!folders.has(parent)) folders.set(parent, 0o755);
      }
      if (isFolder(entry)) folders.set(name, unixMode(entry) ?? 0o755);
      else winners.set(name, entry);
    }
  }
  for (const [name, entry] of winners) {
    if (folders.has(name)) throw new RefusedZip(`${entry.fileName} is a file in one zip and a folder in another`);
  }
  return { folders, winners };
}

/** Opens `zip` and reads its central directory only (no file data), refusing what may not be unpacked. */
async function listZip(path: string): Promise<ZipFile> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, z) => (error ? reject(error) : resolve(z)));
  });
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const why = refusal(entry);
        if (why) {
          reject(new RefusedZip(`${path} has the entry ${JSON.stringify(entry.fileName)}, which ${why}`));
          return;
        }
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      // yauzl itself refuses absolute names and `..` with an error naming the entry.
      zip.on('error', (error: Error) => reject(new RefusedZip(`${path} cannot be unpacked: ${error.message}`)));
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return { path, zip, entries };
}

function refusal(entry: yauzl.Entry): string | undefined {
  const name = fileName(entry);
  if (!isPlainRelativePath(name)) return 'is not a plain relative path';
  const mode = rawMode(entry);
  const type = mode & S_IFMT;
  if (type === 0o120000) return 'is a symbolic link';
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return 'is not a file or a folder';
  return undefined;
}

function fileName(entry: yauzl.Entry): string {
  return entry.fileName.endsWith('/') ? entry.fileName.slice(0, -1) : entry.fileName;
}

function isFolder(entry: yauzl.Entry): boolean {
  return entry.fileName.endsWith('/') || (rawMode(entry) & S_IFMT) === S_IFDIR;
}

/** The unix mode bits (type and permissions) a zip made on unix records in the external attributes. */
function rawMode(entry: yauzl.Entry): number {
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  return madeOnUnix ? entry.externalFileAttributes >>> 16 : 0;
}

function unixMode(entry: yauzl.Entry): number | undefined {
  const permissions = rawMode(entry) & 0o777;
  return permissions === 0 ? undefined : permissions;
}

function fileMode(entry: yauzl.Entry): number {
  return unixMode(entry) ?? 0o644;
}

async function openEntry(file: ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    file.zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}
