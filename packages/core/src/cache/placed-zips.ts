// Owns the record of every zip juni placed in an output folder (folder, file name, sha256): the
// only files juni may later delete there. Leaves placing and cleaning to build/output-folder.ts.
import type { CacheDatabase } from './database.js';

export interface PlacedZip {
  /** The output folder, resolved through symlinks. */
  dir: string;
  name: string;
  sha256: string;
}

export class PlacedZips {
  readonly #record;
  readonly #forget;
  readonly #inDir;
  readonly #all;

  constructor(db: CacheDatabase) {
    this.#record = db.prepare<[string, string, string]>(
      `INSERT INTO placed_zips (dir, name, sha256) VALUES (?, ?, ?)
       ON CONFLICT (dir, name) DO UPDATE SET sha256 = excluded.sha256`,
    );
    this.#forget = db.prepare<[string, string]>('DELETE FROM placed_zips WHERE dir = ? AND name = ?');
    this.#inDir = db.prepare<[string], PlacedZip>('SELECT dir, name, sha256 FROM placed_zips WHERE dir = ?');
    this.#all = db.prepare<[], PlacedZip>('SELECT dir, name, sha256 FROM placed_zips');
  }

  record(zip: PlacedZip): void {
    this.#record.run(zip.dir, zip.name, zip.sha256);
  }

  forget(dir: string, name: string): void {
    this.#forget.run(dir, name);
  }

  /** The zips juni placed in `dir`, by file name. */
  inDir(dir: string): Map<string, PlacedZip> {
    return new Map(this.#inDir.all(dir).map((z) => [z.name, z]));
  }

  all(): PlacedZip[] {
    return this.#all.all();
  }
}
