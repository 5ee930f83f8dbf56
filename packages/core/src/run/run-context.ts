// Owns what every node runner shares during one build.
// Leaves creating it to run-build.ts.
import type { ArtifactStore } from '../cache/artifacts.js';
import type { RemoteCache } from '../cache/remote/remote-cache.js';
import type { StatCache } from '../cache/stat-cache.js';
import type { BuildCompressor } from '../zip/compressor-pool.js';
import type { ResultStore } from '../cache/results.js';
import type { DockerSupport } from '../executors/docker-support.js';
import type { Executor } from '../executors/executor.js';
import type { Manifest } from '../manifest/types.js';
import type { Hasher } from '../hash/xxhash.js';
import type { ZipTime } from '../zip/timestamp.js';
import type { BuildEvent, NodeRef, OutputFile } from '../report/events.js';
import type { NodeFailure } from '../report/failures.js';
import type { OutputFolder } from '../session/output-folder.js';
import type { BuildPlan, PlannedNode } from '../plan/plan.js';

export interface BuildContext {
  manifest: Manifest;
  plan: BuildPlan;
  results: ResultStore;
  artifacts: ArtifactStore;
  /** The build's xxhash64: snapshots of install inputs are checked with it. */
  hasher: Hasher;
  /** Remembered hashes by stat; also vouches for packs already checked once. */
  stats: StatCache;
  output: OutputFolder;
  executors: ReadonlyMap<string, Executor>;
  force: boolean;
  time: ZipTime;
  signal: AbortSignal;
  emit: (event: BuildEvent) => void;
  docker: DockerSupport | undefined;
  /** Folders that are never inputs: the output folder and the cache. */
  skip: readonly string[];
  /** Ids of upstream nodes whose outputs (a tree, an image) some node that runs needs this build. */
  needed: ReadonlySet<string>;
  /** Image node ids whose image must be on the engine this build: an install runs in it. */
  neededOnEngine: ReadonlySet<string>;
  /** Compresses files for zips and packs (worker threads once a job is big enough). */
  compressor: BuildCompressor;
  /** The shared remote cache, when one is configured. */
  remote: RemoteCache | undefined;
  /** Image node id -> the image ID it produced this build. */
  imageIds: Map<string, string>;
}

export type NodeRun =
  | {
      ok: true;
      status: 'built' | 'cached';
      outputs: OutputFile[];
      bytesWritten: number;
      durationMs: number;
      cache?: 'local' | 'remote';
    }
  | { ok: false; failure: NodeFailure; durationMs: number };

export function refOf(planned: PlannedNode): NodeRef {
  const { id, kind, name } = planned.node;
  return { id, kind, name, key: planned.key };
}

/** Where a cache hit came from: the server if this build fetched it, else the local cache. */
export function hitSource(ctx: BuildContext, key: string): 'local' | 'remote' {
  return ctx.remote?.hits.has(key) ? 'remote' : 'local';
}
