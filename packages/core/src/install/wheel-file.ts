// Owns reading a wheel (a zip) on this machine: its central directory, an entry's bytes as
// stored (still compressed, for copying into packs) or inflated (for the few files juni reads).
// Leaves deciding where entries go to wheel-install.ts.
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** One file of a wheel, as its central directory describes it. */
export interface WheelEntry {
  name: string;
  /** 0 stored, 8 deflated: the two a zip entry can be copied with. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** The unix mode in the external attributes (0 when the zip recorded none). */
  unixMode: number;
  encrypted: boolean;
}

export class WheelFile {
  readonly #zip: yauzl.ZipFile;
  readonly #byName = new Map<string, yauzl.Entry>();
  readonly entries: WheelEntry[];

  private constructor(zip: yauzl.ZipFile, entries: yauzl.Entry[]) {
    this.#zip = zip;
    this.entries = entries.map((e) => {
      this.#byName.set(e.fileName, e);
      return {
        name: e.fileName,
        method: e.compressionMethod,
        crc32: e.crc32,
        compressedSize: e.compressedSize,
        size: e.uncompressedSize,
        unixMode: (e.externalFileAttributes >>> 16) & 0xffff,
        encrypted: (e.generalPurposeBitFlag & 1) !== 0,
      };
    });
  }

  /** Opens `file` and reads its central directory (no file data). Throws for what is not a zip. */
  static open(file: string): Promise<WheelFile> {
    return new Promise((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, zip) => {
        if (error) return reject(error);
        const entries: yauzl.Entry[] = [];
        zip.on('entry', (entry: yauzl.Entry) => {
          entries.push(entry);
          zip.readEntry();
        });
        zip.on('end', () => resolve(new WheelFile(zip, entries)));
        zip.on('error', (e: Error) => {
          zip.close();
          reject(e);
        });
        zip.readEntry();
      });
    });
  }

  /** The entry's data as stored in the wheel (compressed with its `method`). */
  raw(name: string): Promise<Buffer> {
    return this.#read(name, false);
  }

  /** The entry's contents. */
  inflated(name: string): Promise<Buffer> {
    return this.#read(name, true);
  }

  close(): void {
    this.#zip.close();
  }

  #read(name: string, decompress: boolean): Promise<Buffer> {
    const entry = this.#byName.get(name);
    if (!entry) return Promise.reject(new Error(`${name} is not in the wheel`));
    return new Promise((resolve, reject) => {
      // yauzl checks the inflated size and CRC itself (validateEntrySizes is on by default).
      const options = (decompress ? {} : { decodeFileData: false }) as unknown as yauzl.ZipFileOptions;
      this.#zip.openReadStream(entry, options, (error, stream: Readable) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => resolve(Buffer.concat(chunks)));
      });
    });
  }
}
