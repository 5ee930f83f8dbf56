// Owns keeping the cache bounded: evicting least recently used results (and the artifacts no
// remaining result refers to), by total size and by age; and the numbers for `juni cache stats`.
// Leaves deciding when to prune to the build and the CLI.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { CacheDatabase } from './database.js';

/** The default cap: generous for a laptop, and bounded so the cache never grows without end. */
export const DEFAULT_MAX_CACHE_BYTES = 5 * 1024 ** 3;

export interface CacheStats {
  results: number;
  bytes: number;
  byKind: Record<string, { results: number; bytes: number }>;
  oldestUse: number | undefined;
}

export interface PruneOptions {
  maxBytes?: number | undefined;
  olderThanMs?: number | undefined;
  /** Keys never evicted (the current build's). */
  keep?: ReadonlySet<string> | undefined;
  now?: number | undefined;
}

export interface PruneResult {
  removedResults: number;
  freedBytes: number;
  remainingBytes: number;
}

interface Row {
  key: string;
  kind: string;
  artifact: string;
  size_bytes: number;
  last_used_at: number;
}

/** What the stored artifacts take, each counted once: one query, to decide whether to prune at all. */
export function storedBytes(db: CacheDatabase): number {
  const row = db
    .prepare<[], { bytes: number | null }>(
      'SELECT SUM(size_bytes) AS bytes FROM (SELECT MAX(size_bytes) AS size_bytes FROM results GROUP BY artifact)',
    )
    .get();
  return row?.bytes ?? 0;
}

/** Sizes count each artifact once, however many results share it (equal zips are one file). */
export function cacheStats(db: CacheDatabase): CacheStats {
  const rows = db.prepare<[], Row>('SELECT key, kind, artifact, size_bytes, last_used_at FROM results').all();
  const seen = new Set<string>();
  const byKind: CacheStats['byKind'] = {};
  let bytes = 0;
  let oldestUse: number | undefined;
  for (const r of rows) {
    const k = (byKind[r.kind] ??= { results: 0, bytes: 0 });
    k.results++;
    if (!seen.has(r.artifact)) {
      seen.add(r.artifact);
      k.bytes += r.size_bytes;
      bytes += r.size_bytes;
    }
    oldestUse = Math.min(oldestUse ?? r.last_used_at, r.last_used_at);
  }
  return { results: rows.length, bytes, byKind, oldestUse };
}

/** Evicts the least recently used results until the cache fits; never a key in `keep`. */
export function pruneCache(db: CacheDatabase, artifactsRoot: string, options: PruneOptions): PruneResult {
  const now = options.now ?? Date.now();
  const rows = db
    .prepare<[], Row>(
      'SELECT key, kind, artifact, size_bytes, last_used_at FROM results ORDER BY last_used_at ASC, key ASC',
    )
    .all();
  const refs = new Map<string, number>();
  for (const r of rows) refs.set(r.artifact, (refs.get(r.artifact) ?? 0) + 1);
  let total = storedBytes(db);
  const evict: Row[] = [];
  for (const r of rows) {
    if (options.keep?.has(r.key)) continue;
    const tooOld = options.olderThanMs !== undefined && now - r.last_used_at > options.olderThanMs;
    const tooBig = options.maxBytes !== undefined && total > options.maxBytes;
    if (!tooOld && !tooBig) continue;
    evict.push(r);
    const left = (refs.get(r.artifact) ?? 1) - 1;
    refs.set(r.artifact, left);
    if (left === 0) total -= r.size_bytes;
  }
  if (evict.length === 0) return { removedResults: 0, freedBytes: 0, remainingBytes: total };
  const del = db.prepare('DELETE FROM results WHERE key = ?');
  db.transaction(() => {
    for (const r of evict) del.run(r.key);
  })();
  let freed = 0;
  const gone = new Set<string>();
  for (const r of evict) {
    if ((refs.get(r.artifact) ?? 0) > 0 || gone.has(r.artifact)) continue;
    gone.add(r.artifact);
    // Artifacts are only ever renamed into place, so removing one never leaves a half file.
    rmSync(path.join(artifactsRoot, r.artifact), { recursive: true, force: true });
    freed += r.size_bytes;
  }
  return { removedResults: evict.length, freedBytes: freed, remainingBytes: total };
}
