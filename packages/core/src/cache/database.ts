// Owns the SQLite file under the cache folder: opening it (WAL, busy timeout) and its schema.
// Leaves the meaning of each table to stat-cache.ts, results.ts and run-history.ts.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
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

/** Opens (creating if needed) `<cacheDir>/cache.db`. Safe with several processes at once. */
export function openCacheDatabase(cacheDir: string): CacheDatabase {
  mkdirSync(cacheDir, { recursive: true });
  const db = new Database(cachePaths(cacheDir).database, { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
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
  return db;
}
