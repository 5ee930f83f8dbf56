// Owns telling a damaged or busy cache database from a bug, and moving a damaged one aside (kept
// for inspection, never deleted). Leaves deciding when to heal to open-cache.ts.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cachePaths, DATABASE_SUFFIXES } from './location.js';

/** `damaged`: not a database, or one SQLite or juni cannot trust. `busy`: another process holds its lock. */
export type DatabaseProblem = 'damaged' | 'busy';

/** What kind of cache problem `error` is; undefined for anything else (a bug, or the machine's doing). */
export function databaseProblem(error: unknown): DatabaseProblem | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code) || code === 'JUNI_CACHE_SHAPE' || code === 'JUNI_CACHE_INTEGRITY')
    return 'damaged';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
  return undefined;
}

/**
 * Renames cache.db (and its -wal, -shm, -journal) to `cache.db.damaged-<time>`, so the next open
 * starts an empty one and the damaged file can still be opened with its WAL for inspection.
 * Returns the new path of the database.
 */
export function moveDamagedDatabase(cacheDir: string, now: Date = new Date()): string {
  const database = cachePaths(cacheDir).database;
  const aside = `${database}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  // The database last: a reader that finds it also finds its WAL.
  for (const suffix of [...DATABASE_SUFFIXES].reverse()) {
    if (existsSync(database + suffix)) renameSync(database + suffix, aside + suffix);
  }
  rmSync(cachePaths(cacheDir).suspect, { force: true });
  return aside;
}

/**
 * Records that a query met damage in cache.db after it was opened (opening reads only the first
 * page of each table): the next open checks the whole file and heals it (database.ts). Best
 * effort: a marker that cannot be written leaves the damage to be met, and marked, again.
 */
export function markDatabaseSuspect(cacheDir: string): void {
  try {
    writeFileSync(cachePaths(cacheDir).suspect, '');
  } catch {
    // The cache folder is gone (clean) or not writable: nothing left to heal, or nothing healable.
  }
}

/**
 * Damage met after opening (deeper in cache.db than opening reads): marked, so the next build
 * checks the whole file and moves it aside. The words for the failure; undefined for other errors.
 */
export function damagedMidBuild(cacheDir: string, error: unknown): { message: string; hint: string } | undefined {
  if (databaseProblem(error) !== 'damaged') return undefined;
  markDatabaseSuspect(cacheDir);
  return {
    message: `the cache database is damaged (${(error as Error).message}); the next build checks it and moves it aside`,
    hint: 'build again',
  };
}

/** Whether a name in the cache folder is a database moved aside by moveDamagedDatabase. */
export function isDamagedDatabaseName(name: string): boolean {
  return /^cache\.db\.damaged-/.test(name);
}

/** better-sqlite3 reports an unopenable or read-only database with its own codes. */
export function unusableDatabase(error: unknown): { message: string; hint: string } | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(CANTOPEN|READONLY|IOERR|FULL|PERM)/.test(code)) return undefined;
  return {
    message: `${code}: ${(error as Error).message}`,
    hint: 'set JUNI_CACHE_DIR to a folder you can write, or fix the permissions of this one',
  };
}
