// Owns choosing this build's cache: the local store, behind a remote fallback when a server is
// configured. Leaves the protocol to cache/cache.ts and the server to cache/remote/.
import type { ArtifactStore } from '../cache/artifacts.js';
import type { Cache } from '../cache/cache.js';
import { LocalCache } from '../cache/local-cache.js';
import { remoteConfig, type RemoteMode } from '../cache/remote/config.js';
import { RemoteCache } from '../cache/remote/remote-cache.js';
import { RemoteFallbackCache } from '../cache/remote/remote-fallback.js';
import type { ResultStore } from '../cache/results.js';
import type { StatCache } from '../cache/stat-cache.js';

export interface BuildCacheOptions {
  results: ResultStore;
  artifacts: ArtifactStore;
  stats: StatCache;
  env: NodeJS.ProcessEnv;
  remoteMode: RemoteMode | undefined;
  warn: (message: string) => void;
}

export function openBuildCache(options: BuildCacheOptions): Cache {
  const { results, artifacts, stats } = options;
  const local = new LocalCache({ results, artifacts, stats });
  const config = remoteConfig(options.env, options.remoteMode);
  if (!config) return local;
  return new RemoteFallbackCache(local, new RemoteCache({ config, results, artifacts, warn: options.warn }));
}
