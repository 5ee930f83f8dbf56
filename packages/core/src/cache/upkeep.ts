// Owns `juni cache stats|prune` on a cache folder that may not exist yet: nothing is created by
// looking. Leaves the counting and evicting to prune.ts.
import { existsSync } from 'node:fs';
import { openCacheDatabase } from './database.js';
import { cachePaths } from './location.js';
import { cacheStats, pruneCache, type CacheStats, type PruneOptions, type PruneResult } from './prune.js';

/** The cache's size by kind; undefined when the folder holds no cache. */
export function inspectCache(cacheDir: string): CacheStats | undefined {
  if (!existsSync(cachePaths(cacheDir).database)) return undefined;
  const db = openCacheDatabase(cacheDir);
  try {
    return cacheStats(db);
  } finally {
    db.close();
  }
}

/** Evicts least recently used results over the limits; undefined when the folder holds no cache. */
export function pruneCacheDir(cacheDir: string, options: PruneOptions): PruneResult | undefined {
  const paths = cachePaths(cacheDir);
  if (!existsSync(paths.database)) return undefined;
  const db = openCacheDatabase(cacheDir);
  try {
    return pruneCache(db, paths.artifacts, options);
  } finally {
    db.close();
  }
}
