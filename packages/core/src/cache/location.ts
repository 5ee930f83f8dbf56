// Owns where a project's cache lives (`JUNI_CACHE_DIR`, or `.juni/` beside the manifest) and the
// names of its parts; nothing outside cache/ spells them.
import path from 'node:path';

export function cacheDirOf(manifestDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.JUNI_CACHE_DIR ? path.resolve(env.JUNI_CACHE_DIR) : path.join(manifestDir, '.juni');
}

/** The cache folder's database, artifact store, and the lock builds share and clean takes (cache-lock.ts). */
export function cachePaths(cacheDir: string): { database: string; suspect: string; artifacts: string; lock: string } {
  return {
    database: path.join(cacheDir, 'cache.db'),
    // Left by a build that met damage past what opening reads; the next open checks the whole file.
    suspect: path.join(cacheDir, 'cache.db.suspect'),
    artifacts: path.join(cacheDir, 'artifacts'),
    lock: path.join(cacheDir, 'lock'),
  };
}

/** The files SQLite keeps for one database, by suffix: the database, its WAL, shared memory and journal. */
export const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

/** cache.db and the files SQLite keeps beside it (what a lock may be held on, what moves with it). */
export function databaseFiles(cacheDir: string): string[] {
  const database = cachePaths(cacheDir).database;
  return DATABASE_SUFFIXES.map((suffix) => database + suffix);
}
