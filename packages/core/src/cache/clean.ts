// Owns `juni clean`: removing the zips juni placed (and that are unchanged since) and the cache's
// own files, nothing else, so a cache folder shared with other files (JUNI_CACHE_DIR) keeps them.
// Waits for running builds first (cache-lock.ts). Leaves the record of placed zips to placed-zips.ts.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isDamagedDatabaseName } from './database-problem.js';
import { cachePaths, DATABASE_SUFFIXES } from './location.js';
import { PlacedZips, removePlacedZips } from './placed-zips.js';
import { StatCache } from './stat-cache.js';
import { withDatabase, withUpkeepLock, type UpkeepOutcome, type UpkeepWait } from './upkeep.js';

/** Every name juni creates directly inside a cache folder (and `cache.db.damaged-*`, see database-problem.ts). */
const CACHE_ENTRIES = [
  ...DATABASE_SUFFIXES.map((suffix) => `cache.db${suffix}`),
  'cache.db.suspect',
  'artifacts',
  'tmp',
  'manifests',
  // Last: it is held while the others go (a build waiting on it checks it is still the same file).
  'lock',
  'lock-journal',
] as const;

export interface CleanResult {
  /** Zips removed from output folders (absolute paths). */
  zips: string[];
  /** Set when the database could not be read (damaged): the zips juni placed were left where they are. */
  placedUnknown?: string | undefined;
  /** Whether the cache folder held juni's files. */
  hadCache: boolean;
  /** Whether the cache folder itself was removed (it held nothing else). */
  removedFolder: boolean;
}

/** Waits until no build uses the cache (and keeps new ones out), then cleans. */
export async function cleanCache(cacheDir: string, wait: UpkeepWait): Promise<UpkeepOutcome<CleanResult>> {
  if (!existsSync(cacheDir)) return { ok: true, value: { zips: [], hadCache: false, removedFolder: false } };
  return withUpkeepLock(cacheDir, wait, async () => {
    let zips: string[] = [];
    let placedUnknown: string | undefined;
    if (existsSync(cachePaths(cacheDir).database)) {
      const placed = await withDatabase(cacheDir, wait.waitMs, (db) =>
        removePlacedZips(new PlacedZips(db), new StatCache(db)),
      );
      // A damaged database is removed all the same: it is what a clean is for.
      if (!placed.ok && placed.reason !== 'cache-damaged') return placed;
      if (placed.ok) zips = placed.value ?? [];
      else placedUnknown = placed.message;
    }
    const { hadCache, removedFolder } = removeCacheFiles(cacheDir);
    return { ok: true, value: { zips, placedUnknown, hadCache, removedFolder } };
  });
}

function removeCacheFiles(cacheDir: string): { hadCache: boolean; removedFolder: boolean } {
  const names = [...readdirSync(cacheDir).filter(isLeftoverName), ...CACHE_ENTRIES];
  let hadCache = false;
  for (const name of names) {
    const entry = path.join(cacheDir, name);
    if (!existsSync(entry)) continue;
    hadCache = true;
    removeEntry(entry);
  }
  return { hadCache, removedFolder: removeIfEmpty(cacheDir) };
}

/** Folders being removed are renamed to `<name>.removing-*` first; a clean that died left them. */
const REMOVING = '.removing-';

function isLeftoverName(name: string): boolean {
  return isDamagedDatabaseName(name) || /^(artifacts|tmp|manifests)\.removing-/.test(name);
}

/**
 * A build loading its manifest meanwhile may write a memo into manifests/ (it needs no lock: a
 * memo is a shortcut), so a folder can gain a file while a recursive remove empties it, and the
 * last rmdir fails with ENOTEMPTY (CI met it). A folder is therefore renamed aside first, in one
 * step: a late memo then lands in a new manifests/ (a live build's, left as it is) or nowhere.
 */
function removeEntry(entry: string): void {
  let target = entry;
  if (lstatSync(entry).isDirectory() && !path.basename(entry).includes(REMOVING)) {
    target = `${entry}${REMOVING}${process.pid}-${randomBytes(4).toString('hex')}`;
    renameSync(entry, target);
  }
  rmSync(target, { recursive: true, force: true });
}

/** A build that started meanwhile may have made its lock in it again: then the folder stays. */
function removeIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  }
}
