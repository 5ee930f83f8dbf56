// Owns `juni clean` and `juni cache stats|prune`: looking after the output folder and the cache.
// Leaves the accounting and eviction to @juni/core.
import { cacheDirFor, cleanCache, inspectCache, pruneCacheDir } from '@juni/core';
import type { CacheArgs, CleanArgs } from '../args.js';
import type { Io } from '../io.js';
import { formatBytes } from '../render/format.js';
import { loadForBuild } from './load.js';

/** Removes the zips juni placed (unchanged since) and the cache's own files; nothing else. */
export async function cleanCommand(args: CleanArgs, io: Io): Promise<number> {
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const cacheDir = cacheDirFor(loaded.manifest);
  const { zips, hadCache } = await cleanCache(cacheDir);
  io.stdout(
    `juni: removed ${zips.length} zip${zips.length === 1 ? '' : 's'}${hadCache ? ` and the cache (${cacheDir})` : ''}`,
  );
  return 0;
}

export async function cacheCommand(args: CacheArgs, io: Io): Promise<number> {
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const cacheDir = cacheDirFor(loaded.manifest);
  const noCache = (): number => {
    io.stdout(args.json ? JSON.stringify({ results: 0, bytes: 0, byKind: {} }) : `juni: no cache at ${cacheDir}`);
    return 0;
  };
  if (args.action === 'stats') {
    const stats = inspectCache(cacheDir);
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
  const pruned = pruneCacheDir(cacheDir, {
    maxBytes: args.maxSize,
    olderThanMs: args.olderThanDays === undefined ? undefined : args.olderThanDays * 86_400_000,
  });
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
