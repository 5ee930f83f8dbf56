// Owns the stat table: (path, size, mtime, ctime, inode) -> content hash, so unchanged files are
// not read again. Leaves computing hashes to hash/file-hasher.ts.
import type { FileStat } from '../fs/source-file.js';
import type { CacheDatabase } from './database.js';

interface Row {
  size: number;
  mtime_ns: string;
  ctime_ns: string;
  ino: string;
  hash: string;
  recorded_ns: string;
}

/**
 * A file written within this window of when its hash was recorded may change again without its
 * mtime moving (coarse clocks): such entries are not trusted (git's "racily clean" rule).
 */
const RACY_WINDOW_NS = 2_000_000_000n;

/** Reads hit the database; writes are batched and written by `flush()` in one transaction. */
export class StatCache {
  readonly #db: CacheDatabase;
  readonly #select;
  readonly #upsert;
  #pending: [string, string, FileStat, string, bigint][] = [];

  constructor(db: CacheDatabase) {
    this.#db = db;
    this.#select = db.prepare<[string, string], Row>(
      'SELECT size, mtime_ns, ctime_ns, ino, hash, recorded_ns FROM file_hashes WHERE path = ? AND algo = ?',
    );
    this.#upsert = db.prepare(
      `INSERT INTO file_hashes (path, algo, size, mtime_ns, ctime_ns, ino, hash, recorded_ns)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path, algo) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
         ctime_ns = excluded.ctime_ns, ino = excluded.ino, hash = excluded.hash, recorded_ns = excluded.recorded_ns`,
    );
  }

  /** The recorded hash if the file's stat still matches and the record is not racy. */
  get(path: string, algo: string, stat: FileStat): string | undefined {
    const row = this.#select.get(path, algo);
    if (!row) return undefined;
    const same =
      row.size === stat.size &&
      row.mtime_ns === String(stat.mtimeNs) &&
      row.ctime_ns === String(stat.ctimeNs) &&
      row.ino === String(stat.ino);
    if (!same) return undefined;
    if (stat.mtimeNs + RACY_WINDOW_NS >= BigInt(row.recorded_ns)) return undefined;
    return row.hash;
  }

  /**
   * Records a hash. `trusted` is for files this tool just wrote itself: their content is known,
   * so the racy-window rule need not make the next build read them again.
   */
  set(path: string, algo: string, stat: FileStat, hash: string, options: { trusted?: boolean } = {}): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    const recorded = options.trusted ? stat.mtimeNs + RACY_WINDOW_NS + 1n : now;
    this.#pending.push([path, algo, stat, hash, recorded > now ? recorded : now]);
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    this.#db.transaction(() => {
      for (const [path, algo, stat, hash, recorded] of rows) {
        this.#upsert.run(
          path,
          algo,
          stat.size,
          String(stat.mtimeNs),
          String(stat.ctimeNs),
          String(stat.ino),
          hash,
          String(recorded),
        );
      }
    })();
  }
}
