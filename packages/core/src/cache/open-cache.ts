// Owns opening the cache for a build: the shared lock (no clean or prune meanwhile), the database
// once no other process holds its write lock, and healing a damaged one by moving it aside.
// Leaves the lock to cache-lock.ts, the file to database.ts and the wording to the CLI.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArtifactStore } from './artifacts.js';
import { lockExclusive, lockShared, type CacheLock, type LockWait } from './cache-lock.js';
import { openCacheDatabase, type CacheDatabase } from './database.js';
import { databaseProblem, moveDamagedDatabase } from './database-problem.js';
import { lockHolders, type LockHolder } from './lock-holders.js';
import { cachePaths, databaseFiles } from './location.js';
import { inBuildWriteWaitMs, pollUntil } from './wait-bound.js';

/** Why the cache could not be used in time: `database` another process's write, `upkeep` a clean or prune, `builds` running builds. */
export interface CacheBusy {
  reason: 'cache-busy';
  /** The file waited on. */
  file: string;
  heldBy: 'database' | 'upkeep' | 'builds';
  holders: LockHolder[];
  waitedMs: number;
}

/** A damaged database that was moved aside; the build goes on with an empty one. */
export interface HealedCache {
  movedTo: string;
  /** What SQLite (or the shape check) said. */
  cause: string;
}

export interface CacheWaitOptions {
  waitMs: number;
  /** Told once when a wait becomes noticeable: what is waited on, and who holds it. */
  onWait: (wait: Omit<CacheBusy, 'reason' | 'waitedMs'>) => void;
  signal?: AbortSignal | undefined;
  /**
   * Whether a damaged database is moved aside (default). `--dry-run` and `juni why` only read:
   * they are told (the damage is thrown) and leave the healing to the next build.
   */
  heal?: boolean | undefined;
}

export type OpenedCache =
  | { ok: true; db: CacheDatabase; artifacts: ArtifactStore; lock: CacheLock; healed: HealedCache | undefined }
  | ({ ok: false } & CacheBusy);

/**
 * The cache, ready for a build. A database that is not sound is moved aside (under the exclusive
 * lock, so no build is using it or its artifacts) and the build starts cold; the artifacts go
 * too, since no record vouches for them any more. Throws only what the machine refuses (see
 * fs/system-error.ts) and bugs.
 */
export async function openCacheForBuild(cacheDir: string, options: CacheWaitOptions): Promise<OpenedCache> {
  const lockFile = cachePaths(cacheDir).lock;
  const lockWait = (heldBy: 'upkeep' | 'builds'): LockWait => ({
    waitMs: options.waitMs,
    signal: options.signal,
    onWait: (holders) => options.onWait({ file: lockFile, heldBy, holders }),
  });
  let healed: HealedCache | undefined;
  for (let attempt = 0; ; attempt++) {
    const shared = await lockShared(cacheDir, lockWait('upkeep'));
    if (!shared.ok) return busy(lockFile, 'upkeep', shared);
    const opened = await openWhenWritable(cacheDir, options).catch((error: unknown) => {
      shared.lock.release();
      throw error;
    });
    if (opened.ok) {
      try {
        return { ok: true, db: opened.db, artifacts: new ArtifactStore(cacheDir), lock: shared.lock, healed };
      } catch (error) {
        opened.db.close();
        shared.lock.release();
        throw error;
      }
    }
    shared.lock.release();
    if (opened.reason === 'cache-busy') return opened;
    // Once healed, a database that is still damaged is not ours to keep moving: report it as a bug would be.
    if (attempt > 0 || options.heal === false) throw opened.error;
    const exclusive = lockExclusive(cacheDir, lockWait('builds'));
    if (!exclusive.ok) return busy(lockFile, 'builds', exclusive);
    try {
      healed = healDatabase(cacheDir, opened.error);
    } finally {
      exclusive.lock.release();
    }
  }
}

function busy(
  file: string,
  heldBy: CacheBusy['heldBy'],
  waited: { holders: LockHolder[]; waitedMs: number },
): { ok: false } & CacheBusy {
  return { ok: false, reason: 'cache-busy', file, heldBy, holders: waited.holders, waitedMs: waited.waitedMs };
}

type Opened =
  { ok: true; db: CacheDatabase } | ({ ok: false } & CacheBusy) | { ok: false; reason: 'damaged'; error: unknown };

/**
 * Opens the database once its write lock is free: SQLite's own wait blocks the whole process and
 * says nothing, so the waiting happens here, in steps, and is named after a second. Later writes
 * wait inside SQLite, which blocks the event loop (Ctrl-C included), so for at most 30 s
 * (wait-bound.ts): another build's writes last milliseconds.
 */
async function openWhenWritable(cacheDir: string, options: CacheWaitOptions): Promise<Opened> {
  const file = cachePaths(cacheDir).database;
  const holders = (): LockHolder[] => lockHolders(databaseFiles(cacheDir));
  const opened = await pollUntil<Opened>(
    () => {
      let db: CacheDatabase | undefined;
      try {
        db = openCacheDatabase(cacheDir, { timeoutMs: 0 });
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        db.pragma(`busy_timeout = ${inBuildWriteWaitMs(options.waitMs)}`);
        return { ok: true, db };
      } catch (error) {
        db?.close();
        const problem = databaseProblem(error);
        if (problem === 'damaged') return { ok: false, reason: 'damaged', error };
        if (problem !== 'busy') throw error;
        return undefined;
      }
    },
    options,
    () => options.onWait({ file, heldBy: 'database', holders: holders() }),
  );
  return opened.ok ? opened.value : busy(file, 'database', { holders: holders(), waitedMs: opened.waitedMs });
}

/**
 * Under the exclusive lock: if the database is still damaged (another build may have healed it
 * while this one waited), removes the artifacts, then moves the database aside. Artifacts first:
 * a build that finds the new database never finds the old artifacts.
 */
function healDatabase(cacheDir: string, error: unknown): HealedCache | undefined {
  try {
    openCacheDatabase(cacheDir, { timeoutMs: 0 }).close();
    return undefined;
  } catch (again) {
    const problem = databaseProblem(again);
    // Busy: another build healed it and is writing; the caller's next open waits for it.
    if (problem === 'busy') return undefined;
    if (problem !== 'damaged') throw again;
  }
  const artifacts = cachePaths(cacheDir).artifacts;
  // Renamed first, so a crash while removing leaves no half store under the real name (and the
  // next build removes a dead process's temp folder).
  const trash = path.join(cacheDir, 'tmp', `${process.pid}-damaged-artifacts-${randomBytes(4).toString('hex')}`);
  mkdirSync(path.dirname(trash), { recursive: true });
  try {
    renameSync(artifacts, trash);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  rmSync(trash, { recursive: true, force: true });
  const movedTo = moveDamagedDatabase(cacheDir);
  return { movedTo, cause: (error as Error).message };
}
