// Owns the record of every zip juni placed in an output folder (folder, file name, sha256): the
// only files juni may later delete there, and deleting them. Leaves placing and cleaning to
// session/output-folder.ts.
import { lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sha256ByStat } from '../fs/sha256-file.js';
import { toFileStat } from '../fs/source-file.js';
import type { CacheDatabase } from './database.js';
import type { StatCache } from './stat-cache.js';

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

/** Deletes a file only if it is a plain file (not a link or folder) whose sha256 is still `sha256`. */
export async function removeIfUnchanged(stats: StatCache, file: string, sha256: string): Promise<boolean> {
  const raw = lstatSync(file, { bigint: true, throwIfNoEntry: false });
  if (!raw?.isFile()) return false;
  if ((await sha256ByStat(stats, file, toFileStat(raw))) !== sha256) return false;
  rmSync(file, { force: true });
  return true;
}

/**
 * `juni clean`: removes every zip this cache recorded as placed, in any output folder, that still
 * holds the bytes juni wrote. Returns the removed paths.
 */
export async function removePlacedZips(placed: PlacedZips, stats: StatCache): Promise<string[]> {
  const removed: string[] = [];
  for (const zip of placed.all()) {
    const file = path.join(zip.dir, zip.name);
    if (await removeIfUnchanged(stats, file, zip.sha256)) removed.push(file);
    placed.forget(zip.dir, zip.name);
  }
  return removed;
}
