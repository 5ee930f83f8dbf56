// Owns hashing file contents, once per build and only when the stat cache cannot vouch for them.
// Leaves the stat table to cache/stat-cache.ts.
import { closeSync, readSync } from 'node:fs';
import { openRegularSync } from '../fs/read-regular.js';
import type { StatCache } from '../cache/stat-cache.js';
import type { FileStat } from '../fs/source-file.js';
import type { Hasher } from './xxhash.js';

const CHUNK = 1 << 20;

export class FileHasher {
  readonly #hasher: Hasher;
  readonly #stats: StatCache;
  readonly #memo = new Map<string, string>();
  readonly #buffer = Buffer.allocUnsafe(CHUNK);
  /** Files actually read this build (the rest came from the stat cache). */
  readCount = 0;

  constructor(options: { hasher: Hasher; stats: StatCache }) {
    this.#hasher = options.hasher;
    this.#stats = options.stats;
  }

  /** xxhash64 of the file's contents. */
  hash(absPath: string, stat: FileStat): string {
    const memo = this.#memo.get(absPath);
    if (memo !== undefined) return memo;
    let hash = this.#stats.get(absPath, 'xxh64', stat);
    if (hash === undefined) {
      hash = this.#read(absPath);
      this.readCount++;
      this.#stats.set(absPath, 'xxh64', stat, hash);
    }
    this.#memo.set(absPath, hash);
    return hash;
  }

  #read(absPath: string): string {
    const stream = this.#hasher.stream();
    const fd = openRegularSync(absPath);
    try {
      for (;;) {
        const n = readSync(fd, this.#buffer, 0, CHUNK, null);
        if (n === 0) break;
        stream.update(this.#buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return stream.digest();
  }
}
