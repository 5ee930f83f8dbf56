// Owns `juni clean` and `juni cache stats|prune`: looking after the output folder and the cache.
// Leaves the accounting, eviction and waiting for builds to @juni/core.
import {
  cacheDirFor,
  cacheWaitMs,
  cleanCache,
  holdersWords,
  inspectCache,
  pruneCacheDir,
  type CacheProblem,
  type LockHolder,
} from '@juni/core';
import type { CacheArgs, CleanArgs } from '../args.js';
import type { Io } from '../io.js';
import { describeCacheProblem } from '../render/cache-words.js';
import { formatBytes, plural } from '../render/format.js';
import { environmentIsUsable, loadForBuild, usageError } from './load.js';

/** How clean and prune wait for the builds using the cache: bounded, and said once. */
function upkeepWait(io: Io, cacheDir: string): { waitMs: number; onWait: (holders: LockHolder[]) => void } {
  const waitMs = cacheWaitMs(process.env);
  return {
    waitMs,
    onWait: (holders) =>
      io.stderr(
        `juni: waiting for the builds using the cache at ${cacheDir}${holdersWords(holders)} to finish` +
          ` (at most ${Math.round(waitMs / 1000)} s, JUNI_CACHE_WAIT)`,
      ),
  };
}

/** A cache problem is not a usage error: the same command works once the cache is free or repaired. */
function reportProblem(args: { json: boolean }, io: Io, problem: CacheProblem): number {
  const { message, hint } = describeCacheProblem(problem);
  usageError(args, io, message, hint);
  return 1;
}

/** Removes the zips juni placed (unchanged since) and the cache's own files; nothing else. */
export async function cleanCommand(args: CleanArgs, io: Io): Promise<number> {
  // JUNI_CACHE_WAIT and friends: a malformed value is refused here too, not silently replaced.
  if (!environmentIsUsable(args, io)) return 2;
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const cacheDir = cacheDirFor(loaded.manifest);
  const cleaned = await cleanCache(cacheDir, upkeepWait(io, cacheDir));
  if (!cleaned.ok) return reportProblem(args, io, cleaned);
  const { zips, hadCache, placedUnknown } = cleaned.value ?? { zips: [], hadCache: false };
  if (placedUnknown !== undefined)
    io.stderr(`juni: the cache database was damaged (${placedUnknown}); the zips it placed were left in place`);
  if (args.json) io.stdout(JSON.stringify({ ok: true, zips, cache: hadCache ? cacheDir : null }, null, 2));
  else io.stdout(`juni: removed ${plural(zips.length, 'zip')}${hadCache ? ` and the cache (${cacheDir})` : ''}`);
  return 0;
}

export async function cacheCommand(args: CacheArgs, io: Io): Promise<number> {
  // JUNI_CACHE_WAIT and friends: a malformed value is refused here too, not silently replaced.
  if (!environmentIsUsable(args, io)) return 2;
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const cacheDir = cacheDirFor(loaded.manifest);
  const noCache = (): number => {
    io.stdout(args.json ? JSON.stringify({ results: 0, bytes: 0, byKind: {} }) : `juni: no cache at ${cacheDir}`);
    return 0;
  };
  const wait = upkeepWait(io, cacheDir);
  if (args.action === 'stats') {
    const inspected = await inspectCache(cacheDir, wait);
    if (!inspected.ok) return reportProblem(args, io, inspected);
    const stats = inspected.value;
    if (!stats) return noCache();
    if (args.json) io.stdout(JSON.stringify(stats, null, 2));
    else {
      io.stdout(`juni cache at ${cacheDir}: ${stats.results} results, ${formatBytes(stats.bytes)}`);
      for (const [kind, k] of Object.entries(stats.byKind))
        io.stdout(`  ${kind.padEnd(9)} ${String(k.results).padStart(6)} results  ${formatBytes(k.bytes)}`);
      if (stats.oldestUse !== undefined) io.stdout(`  least recently used: ${new Date(stats.oldestUse).toISOString()}`);
    }
    return 0;
  }
  const outcome = await pruneCacheDir(
    cacheDir,
    {
      maxBytes: args.maxSize,
      olderThanMs: args.olderThanDays === undefined ? undefined : args.olderThanDays * 86_400_000,
    },
    wait,
  );
  if (!outcome.ok) return reportProblem(args, io, outcome);
  const pruned = outcome.value;
  if (!pruned) return noCache();
  if (args.json) io.stdout(JSON.stringify(pruned, null, 2));
  else {
    const { removedResults, freedBytes, remainingBytes } = pruned;
    io.stdout(
      `juni: removed ${removedResults} results, freed ${formatBytes(freedBytes)}; ${formatBytes(remainingBytes)} remain`,
    );
  }
  return 0;
}
