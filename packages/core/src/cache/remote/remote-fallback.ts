// Owns the remote side of the cache protocol: the local cache first, then the shared server for
// what it lacks, and every fresh install or zip uploaded. lage's RemoteFallbackCacheProvider is
// the model. Leaves the transfers themselves to remote-cache.ts.
import type { Cache, CacheLookup, CacheQuery } from '../cache.js';
import type { StoredResult } from '../results.js';

/** What this class needs of a server: remote-cache.ts, or a fake in unit tests. */
export interface RemoteStore {
  /** The server's result for `key`, verified and stored in the local cache; undefined on a miss or any problem. */
  fetch(key: string, label: string): Promise<StoredResult | undefined>;
  /** Whether the server has `key`, without downloading it. */
  has(key: string): Promise<boolean>;
  upload(key: string, label: string): void;
  flush(): Promise<void>;
}

export class RemoteFallbackCache implements Cache {
  readonly #local: Cache;
  readonly #remote: RemoteStore;
  /** Keys the server answered this build: later lookups of them report `remote`. */
  readonly #fromServer = new Set<string>();

  constructor(local: Cache, remote: RemoteStore) {
    this.#local = local;
    this.#remote = remote;
  }

  async get(query: CacheQuery): Promise<CacheLookup> {
    const local = await this.#local.get(query);
    if (local.state === 'hit') return this.#fromServer.has(query.key) ? { ...local, source: 'remote' } : local;
    // An image lives on one engine: its ID means nothing elsewhere; a check ran on one engine too.
    if (query.kind === 'image' || query.kind === 'check') return local;
    if (query.need === 'record') {
      // Nothing reads it this build: knowing the server has it is enough, and nothing is downloaded.
      if (!(await this.#remote.has(query.key))) return local;
      this.#fromServer.add(query.key);
      return { state: 'hit', source: 'remote', result: undefined };
    }
    const result = await this.#remote.fetch(query.key, query.label);
    if (!result) return local;
    this.#fromServer.add(query.key);
    return { state: 'hit', source: 'remote', result };
  }

  put(result: StoredResult, artifact: string | undefined, label: string): void {
    this.#local.put(result, artifact, label);
    if (result.output.type === 'zip' || result.output.type === 'pack') this.#remote.upload(result.key, label);
  }

  drop(key: string): void {
    this.#local.drop(key);
  }

  touch(key: string): void {
    this.#local.touch(key);
  }

  async flush(): Promise<void> {
    await this.#local.flush();
    await this.#remote.flush();
  }
}
