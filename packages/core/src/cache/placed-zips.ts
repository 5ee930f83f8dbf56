// Owns the record of every zip juni placed in an output folder (folder, file name, sha256): the
// only files juni may later delete there. Leaves placing and cleaning to build/output-folder.ts.
import type { CacheDatabase } from './database.js';

export interface PlacedZip {
  /** The output folder, resolved through symlinks. */
  dir: string;
  name: string;
  sha256: string;
}

/** Records are batched (one transaction per build, like the stat cache); reads flush them first. */
export class PlacedZips {
  readonly #db: CacheDatabase;
  #pending: PlacedZip[] = [];
  readonly #record;
  readonly #forget;
  readonly #inDir;
  readonly #all;

  constructor(db: CacheDatabase) {
    this.#db = db;
    this.#record = db.prepare<[string, string, string]>(
      `INSERT INTO placed_zips (dir, name, sha256) VALUES (?, ?, ?)
       ON CONFLICT (dir, name) DO UPDATE SET sha256 = excluded.sha256`,
    );
    this.#forget = db.prepare<[string, string]>('DELETE FROM placed_zips WHERE dir = ? AND name = ?');
    this.#inDir = db.prepare<[string], PlacedZip>('SELECT dir, name, sha256 FROM placed_zips WHERE dir = ?');
    this.#all = db.prepare<[], PlacedZip>('SELECT dir, name, sha256 FROM placed_zips');
  }

  record(zip: PlacedZip): void {
    this.#pending.push(zip);
  }

  forget(dir: string, name: string): void {
    this.flush();
    this.#forget.run(dir, name);
  }

  /** The zips juni placed in `dir`, by file name. */
  inDir(dir: string): Map<string, PlacedZip> {
    this.flush();
    return new Map(this.#inDir.all(dir).map((z) => [z.name, z]));
  }

  all(): PlacedZip[] {
    this.flush();
    return this.#all.all();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    this.#db.transaction(() => {
      for (const z of rows) this.#record.run(z.dir, z.name, z.sha256);
    })();
  }
}
