// Owns the lock between builds and the commands that remove cache entries: every build holds it
// shared for its whole run, `juni clean` and `juni cache prune` (and healing a damaged database)
// hold it exclusively, so nothing is removed from under a build. Leaves what they do to others.
import Database from 'better-sqlite3';
import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../fs/make-folder.js';
import { databaseProblem } from './database-problem.js';
import { lockHolders, type LockHolder } from './lock-holders.js';
import { cachePaths } from './location.js';
import { pollUntil } from './wait-bound.js';

/**
 * SQLite's own file locks, on an empty database in rollback mode: a read transaction holds a
 * shared lock until it ends, an exclusive one waits for every reader to leave, and its PENDING
 * lock keeps new readers out meanwhile, so a stream of builds cannot starve `juni clean`. The
 * kernel drops the locks of a process that dies, so a killed build never blocks anyone.
 */
export interface CacheLock {
  release(): void;
}

export interface LockWait {
  /** Give up after this long. */
  waitMs: number;
  /** Told once, when the wait starts to be noticeable, who holds the lock (when that can be known). */
  onWait: (holders: LockHolder[]) => void;
  signal?: AbortSignal | undefined;
}

export type LockOutcome = { ok: true; lock: CacheLock } | { ok: false; holders: LockHolder[]; waitedMs: number };

/** Waits (without blocking the event loop) until no clean or prune runs, then holds the lock shared. */
export async function lockShared(cacheDir: string, wait: LockWait): Promise<LockOutcome> {
  const file = cachePaths(cacheDir).lock;
  const held = await pollUntil(
    () => tryLock(file, 'BEGIN', 0),
    wait,
    () => wait.onWait(lockHolders([file])),
  );
  return held.ok
    ? { ok: true, lock: held.value }
    : { ok: false, holders: lockHolders([file]), waitedMs: held.waitedMs };
}

/**
 * Waits until no build holds the lock, then holds it exclusively. The wait blocks this process:
 * SQLite holds its PENDING lock only inside the call, and that is what keeps new builds out.
 */
export function lockExclusive(cacheDir: string, wait: LockWait): LockOutcome {
  const file = cachePaths(cacheDir).lock;
  const started = performance.now();
  let told = false;
  for (;;) {
    const waited = performance.now() - started;
    const held = tryLock(file, 'BEGIN EXCLUSIVE', told ? Math.max(0, Math.round(wait.waitMs - waited)) : 0);
    if (held !== undefined) return { ok: true, lock: held };
    const now = performance.now() - started;
    if (told && now >= wait.waitMs) return { ok: false, holders: lockHolders([file]), waitedMs: now };
    if (!told) wait.onWait(lockHolders([file]));
    told = true;
  }
}

/**
 * The lock, or undefined when another process held it in a conflicting mode for `timeoutMs`, or
 * the file was removed or replaced meanwhile (`juni clean` removes it while holding it: a lock on
 * a file no longer there guards nothing), so the caller tries again.
 */
function tryLock(file: string, begin: 'BEGIN' | 'BEGIN EXCLUSIVE', timeoutMs: number): CacheLock | undefined {
  const before = createLockFile(file);
  if (before === undefined) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: timeoutMs });
    db.exec(begin);
    // A deferred transaction takes its shared lock at the first read.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db?.close();
    const problem = databaseProblem(error);
    // Removed under it (by clean): try again on the new file.
    if (problem === 'busy' || !sameFile(file, before)) return undefined;
    // The file holds no data, only the lock: one that is not SQLite's is replaced. Only that
    // same file, so a lock another process made meanwhile stays.
    if (problem === 'damaged') {
      rmSync(`${file}-journal`, { force: true });
      if (sameFile(file, before)) rmSync(file, { force: true });
      return undefined;
    }
    throw error;
  }
  if (!sameFile(file, before)) {
    db.exec('ROLLBACK');
    db.close();
    return undefined;
  }
  const held = db;
  return {
    release: () => {
      if (!held.open) return;
      held.exec('ROLLBACK');
      held.close();
    },
  };
}

/**
 * Makes the lock file if it is missing and returns its inode, the one a lock taken next must
 * still be on; undefined when clean removed the folder meanwhile.
 */
function createLockFile(file: string): number | undefined {
  makeFolder(path.dirname(file));
  try {
    closeSync(openSync(file, 'a'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return statSync(file, { throwIfNoEntry: false })?.ino;
}

function sameFile(file: string, ino: number | undefined): boolean {
  return ino !== undefined && statSync(file, { throwIfNoEntry: false })?.ino === ino;
}
