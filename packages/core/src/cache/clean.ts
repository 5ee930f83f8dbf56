// Owns `juni clean`: removing the zips juni placed (and that are unchanged since) and the cache's
// own files, nothing else, so a cache folder shared with other files (JUNI_CACHE_DIR) keeps them.
// Leaves the record of placed zips to placed-zips.ts.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cachePaths } from './location.js';
import { openCacheDatabase } from './database.js';
import { PlacedZips, removePlacedZips } from './placed-zips.js';
import { StatCache } from './stat-cache.js';

/** Every name juni creates directly inside a cache folder. */
export const CACHE_ENTRIES = [
  'cache.db',
  'cache.db-wal',
  'cache.db-shm',
  'cache.db-journal',
  'artifacts',
  'tmp',
  'manifests',
] as const;

export interface CleanResult {
  /** Zips removed from output folders (absolute paths). */
  zips: string[];
  /** Whether the cache folder held juni's files. */
  hadCache: boolean;
  /** Whether the cache folder itself was removed (it held nothing else). */
  removedFolder: boolean;
}

export async function cleanCache(cacheDir: string): Promise<CleanResult> {
  let zips: string[] = [];
  if (existsSync(cachePaths(cacheDir).database)) {
    const db = openCacheDatabase(cacheDir);
    try {
      zips = await removePlacedZips(new PlacedZips(db), new StatCache(db));
    } finally {
      db.close();
    }
  }
  let hadCache = false;
  for (const name of CACHE_ENTRIES) {
    const entry = path.join(cacheDir, name);
    if (!existsSync(entry)) continue;
    hadCache = true;
    rmSync(entry, { recursive: true, force: true });
  }
  let removedFolder = false;
  if (existsSync(cacheDir) && readdirSync(cacheDir).length === 0) {
    rmdirSync(cacheDir);
    removedFolder = true;
  }
  return { zips, hadCache, removedFolder };
}
