// Owns the SQLite file under the cache folder: opening it (WAL, busy timeout), its schema, and
// refusing a file that is not the database juni made. Leaves the meaning of each table to
// stat-cache.ts, results.ts and run-history.ts, and what to do with a damaged file to open-cache.ts.
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { makeFolder } from '../fs/make-folder.js';
import { cachePaths } from './location.js';

export type CacheDatabase = Database.Database;

/** Bump when a table changes shape; an older file is then rebuilt from scratch. */
const SCHEMA_VERSION = 5;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_hashes (
  path TEXT NOT NULL, algo TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ns TEXT NOT NULL, ctime_ns TEXT NOT NULL, ino TEXT NOT NULL,
  hash TEXT NOT NULL, recorded_ns TEXT NOT NULL,
  PRIMARY KEY (path, algo)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  outputs TEXT NOT NULL, inputs TEXT NOT NULL,
  duration_ms INTEGER NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL,
  artifact TEXT NOT NULL, size_bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS results_last_used ON results (last_used_at);
CREATE INDEX IF NOT EXISTS results_artifact ON results (artifact);
CREATE TABLE IF NOT EXISTS placed_zips (
  dir TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
  PRIMARY KEY (dir, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS image_refs (
  ref TEXT PRIMARY KEY, image_id TEXT NOT NULL, on_build TEXT NOT NULL, recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, manifest TEXT NOT NULL, started_at INTEGER NOT NULL,
  finished_at INTEGER, summary TEXT
);
CREATE TABLE IF NOT EXISTS run_nodes (
  run_id INTEGER NOT NULL, node_id TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (run_id, node_id)
) WITHOUT ROWID;
`;

/** A cache.db that a build found damaged past its first pages and that fails SQLite's integrity check. */
class DatabaseIntegrityError extends Error {
  readonly code = 'JUNI_CACHE_INTEGRITY';
}

/** A cache.db that opens, but whose tables are not those its version promises. */
class DatabaseShapeError extends Error {
  readonly code = 'JUNI_CACHE_SHAPE';
}

export interface OpenDatabaseOptions {
  /** How long one statement waits for another process's write lock (SQLite's busy timeout). */
  timeoutMs?: number | undefined;
}

/**
 * Opens (creating if needed) `<cacheDir>/cache.db`. Safe with several processes at once. Throws
 * SQLite's SQLITE_NOTADB/SQLITE_CORRUPT, a DatabaseShapeError or a DatabaseIntegrityError for a
 * file that is not a sound juni database (see database-problem.ts), SQLITE_BUSY when another
 * process holds its write lock.
 */
export function openCacheDatabase(cacheDir: string, options: OpenDatabaseOptions = {}): CacheDatabase {
  makeFolder(cacheDir);
  const db = new Database(cachePaths(cacheDir).database, { timeout: options.timeoutMs ?? 30_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) migrate(db, version);
    checkShape(db);
    checkIfSuspect(db, cachePaths(cacheDir).suspect);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: CacheDatabase, version: number): void {
  db.transaction(() => {
    // Version 5 only added image_refs: keep what 4 recorded (placed zips above all).
    if (version !== 0 && version !== 4) {
      for (const table of ['meta', 'file_hashes', 'results', 'placed_zips', 'image_refs', 'runs', 'run_nodes'])
        db.exec(`DROP TABLE IF EXISTS ${table}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * The tables must have the columns SCHEMA gives them, and each must be readable: a file damaged
 * past its first page, or hand-edited, fails here, before a build trusts any of it. Reading one
 * row of each table touches its root page; a full integrity check would read the whole file at
 * every build (15 ms for 20 MB), so damage deeper in is left to the query that meets it, which
 * marks the file for a whole check at the next open (checkIfSuspect).
 */
function checkShape(db: CacheDatabase): void {
  for (const [table, want] of referenceShape()) {
    if (JSON.stringify(db.pragma(`table_info(${table})`)) !== want)
      throw new DatabaseShapeError(`the table ${table} is not the one this juni made`);
    db.prepare(`SELECT * FROM ${table} LIMIT 1`).get();
  }
}

/**
 * Each table of SCHEMA and its `table_info`, as SQLite reports them. Worked out once per process
 * (a `:memory:` database running the whole schema) and never changed: it depends on SCHEMA only.
 */
const referenceShape = once((): ReadonlyMap<string, string> => {
  const reference = new Database(':memory:');
  try {
    reference.exec(SCHEMA);
    return new Map(tableNames(reference).map((t) => [t, JSON.stringify(reference.pragma(`table_info(${t})`))]));
  } finally {
    reference.close();
  }
});

function once<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/**
 * A whole-file check, only after a build met damage deeper than checkShape reads (the marker
 * markDatabaseSuspect leaves): otherwise the same query fails at every build. Passing clears it.
 */
function checkIfSuspect(db: CacheDatabase, marker: string): void {
  if (!existsSync(marker)) return;
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const first = rows[0]?.integrity_check;
  if (first !== 'ok') throw new DatabaseIntegrityError(`integrity check failed: ${first ?? 'no answer'}`);
  rmSync(marker, { force: true });
}

function tableNames(db: CacheDatabase): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((r) => r.name);
}
