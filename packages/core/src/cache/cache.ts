// Owns the one protocol every node kind uses to reuse and store results: look up (and verify the
// artifact), store, drop, touch. Leaves where results live to local-cache.ts and remote-fallback.ts.
import type { NodeKind } from '../report/events.js';
import type { StoredResult } from './results.js';

/**
 * What a lookup must prove. `artifact`: the stored bytes (zip, pack, lambda files) are there and
 * intact, because this build reads them. `result`: the stored result is read (an image's ID) but
 * its bytes are not. `record`: only that the result exists, because nothing reads it this build
 * (an install whose zips are all cached).
 */
export type CacheNeed = 'artifact' | 'result' | 'record';

export interface CacheQuery {
  key: string;
  /** Images and checks live on one engine: only installs and zips are shared through a server. */
  kind: NodeKind;
  /** How to name the node in warnings, e.g. `deps requirements.txt`. */
  label: string;
  need: CacheNeed;
}

export type CacheLookup =
  /** `result` is absent for a `record` lookup: existence was all it asked. */
  | { state: 'hit'; source: 'local' | 'remote'; result: StoredResult | undefined }
  | { state: 'miss' }
  /** A stored result whose artifact failed its check: it has been dropped, and the node must run. */
  | { state: 'damaged' };

/** lage's CacheProvider shape: a local store implements it, and a remote fallback wraps that one. */
export interface Cache {
  get(query: CacheQuery): Promise<CacheLookup>;
  /**
   * Stores a fresh result. `artifact` is the temp file or folder holding its bytes; it is moved
   * into place before the record is written, so a record never points at a half-written artifact.
   */
  put(result: StoredResult, artifact: string | undefined, label: string): void;
  /** Forgets a result whose artifact turned out unusable after the lookup (e.g. its image is gone). */
  drop(key: string): void;
  /** Marks a result as used this build (least-recently-used pruning). */
  touch(key: string): void;
  /** Writes what is pending (last-used marks, uploads) before the build returns. */
  flush(): Promise<void>;
}
