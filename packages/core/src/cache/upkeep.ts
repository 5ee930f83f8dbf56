// Owns `juni cache stats|prune` on a cache folder that may not exist yet (nothing is created by
// looking), and what stops upkeep: a running build, a busy, damaged or unusable database, as data.
// Leaves the counting and evicting to prune.ts and the words to the CLI.
import { existsSync } from 'node:fs';
import { systemError } from '../fs/system-error.js';
import { lockExclusive, type CacheLock } from './cache-lock.js';
import { openCacheDatabase, type CacheDatabase } from './database.js';
import { databaseProblem, unusableDatabase } from './database-problem.js';
import { lockHolders, type LockHolder } from './lock-holders.js';
import { cachePaths, databaseFiles } from './location.js';
import type { CacheBusy } from './open-cache.js';
import { cacheStats, pruneCache, type CacheStats, type PruneOptions, type PruneResult } from './prune.js';

export type CacheProblem =
  | CacheBusy
  /** The database is not sound; a build moves it aside, `juni clean` removes it. */
  | { reason: 'cache-damaged'; file: string; message: string }
  /** The machine refuses (permissions, a read-only or full disk). */
  | { reason: 'cache-unusable'; dir: string; message: string; hint: string };

/** `value` is undefined when the folder holds no cache. */
export type UpkeepOutcome<T> = { ok: true; value: T | undefined } | ({ ok: false } & CacheProblem);

export interface UpkeepWait {
  waitMs: number;
  /** Told once, before waiting for the builds that use the cache. */
  onWait: (holders: LockHolder[]) => void;
}

/** The cache's size by kind. Reads only: no lock, since SQLite lets it read beside a build. */
export async function inspectCache(
  cacheDir: string,
  wait: Pick<UpkeepWait, 'waitMs'>,
): Promise<UpkeepOutcome<CacheStats>> {
  if (!existsSync(cachePaths(cacheDir).database)) return { ok: true, value: undefined };
  return withDatabase(cacheDir, wait.waitMs, (db) => cacheStats(db));
}

/** Evicts least recently used results over the limits, once no build is using the cache. */
export async function pruneCacheDir(
  cacheDir: string,
  options: PruneOptions,
  wait: UpkeepWait,
): Promise<UpkeepOutcome<PruneResult>> {
  const paths = cachePaths(cacheDir);
  if (!existsSync(paths.database)) return { ok: true, value: undefined };
  return withUpkeepLock(cacheDir, wait, () =>
    withDatabase(cacheDir, wait.waitMs, (db) => pruneCache(db, paths.artifacts, options)),
  );
}

/**
 * After a build, once it has let go of its own shared lock: evicts over the limits only if no
 * other build uses the cache right now (prune removes artifacts a build may be reading), without
 * waiting. Undefined when it did not run this time; a later build prunes.
 */
export function pruneIfIdle(cacheDir: string, options: PruneOptions): UpkeepOutcome<PruneResult> | undefined {
  const held = lockExclusive(cacheDir, { waitMs: 0, onWait: () => undefined });
  if (!held.ok) return undefined;
  const paths = cachePaths(cacheDir);
  let db: CacheDatabase | undefined;
  try {
    db = openCacheDatabase(cacheDir, { timeoutMs: 0 });
    return { ok: true, value: pruneCache(db, paths.artifacts, options) };
  } catch (error) {
    const problem = problemOf(error, cacheDir);
    return problem.reason === 'cache-busy' ? undefined : { ok: false, ...problem };
  } finally {
    db?.close();
    held.lock.release();
  }
}

/** Runs `work` holding the cache exclusively: no build runs meanwhile, and none starts. */
export async function withUpkeepLock<T>(
  cacheDir: string,
  wait: UpkeepWait,
  work: () => Promise<UpkeepOutcome<T>>,
): Promise<UpkeepOutcome<T>> {
  const file = cachePaths(cacheDir).lock;
  let lock: CacheLock;
  try {
    const held = lockExclusive(cacheDir, { waitMs: wait.waitMs, onWait: wait.onWait });
    if (!held.ok) {
      return {
        ok: false,
        reason: 'cache-busy',
        file,
        heldBy: 'builds',
        holders: held.holders,
        waitedMs: held.waitedMs,
      };
    }
    lock = held.lock;
  } catch (error) {
    return { ok: false, ...problemOf(error, cacheDir) };
  }
  try {
    return await work();
  } catch (error) {
    return { ok: false, ...problemOf(error, cacheDir) };
  } finally {
    lock.release();
  }
}

/** Opens the database for `work`, turning what the cache's state (not a bug) causes into a problem. */
export async function withDatabase<T>(
  cacheDir: string,
  waitMs: number,
  work: (db: CacheDatabase) => T | Promise<T>,
): Promise<UpkeepOutcome<T>> {
  let db: CacheDatabase | undefined;
  try {
    db = openCacheDatabase(cacheDir, { timeoutMs: waitMs });
    return { ok: true, value: await work(db) };
  } catch (error) {
    return { ok: false, ...problemOf(error, cacheDir, waitMs) };
  } finally {
    db?.close();
  }
}

function problemOf(error: unknown, cacheDir: string, waitMs = 0): CacheProblem {
  const file = cachePaths(cacheDir).database;
  switch (databaseProblem(error)) {
    case 'damaged':
      return { reason: 'cache-damaged', file, message: (error as Error).message };
    case 'busy':
      return {
        reason: 'cache-busy',
        file,
        heldBy: 'database',
        holders: lockHolders(databaseFiles(cacheDir)),
        waitedMs: waitMs,
      };
    case undefined: {
      const io = systemError(error) ?? unusableDatabase(error);
      if (io) return { reason: 'cache-unusable', dir: cacheDir, ...io };
      throw error;
    }
  }
}
