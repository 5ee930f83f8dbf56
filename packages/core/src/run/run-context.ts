// Owns what the node runners share during one build, and the shape of one node's run.
// Leaves creating it to session/run-build.ts; each runner takes only the fields it uses.
import type { ArtifactStore } from '../cache/artifacts.js';
import type { Cache } from '../cache/cache.js';
import type { HandlerRun, StoredResult } from '../cache/results.js';
import type { DockerSupport, ImageTask } from '../executors/docker-support.js';
import type { Executor } from '../executors/executor.js';
import type { Hasher } from '../hash/xxhash.js';
import type { BuildPlan, PlannedNode } from '../plan/plan.js';
import type { BuildEvent, NodeRef, OutputFile } from '../report/events.js';
import type { NodeFailure } from '../report/failures.js';
import type { LimitFindings } from '../report/lambda-limits.js';
import type { OutputFolder } from '../session/output-folder.js';
import type { BuildCompressor } from '../zip/compressor-pool.js';
import type { ZipTime } from '../zip/timestamp.js';
import type { Demand } from './demand.js';

/** The ways of installing, injected by the session (fakes in unit tests). */
export interface Executors {
  local: Executor;
  /** Absent when this build of juni has no Docker support: Docker entries then fail clearly. */
  docker: DockerSupport | undefined;
}

export interface RunContext {
  plan: BuildPlan;
  cache: Cache;
  /** Where stored packs and lambda files are read, and temp paths for new ones. */
  artifacts: ArtifactStore;
  executors: Executors;
  /** The build's xxhash64: snapshots and sent bytes are checked against the key with it. */
  hasher: Hasher;
  compressor: BuildCompressor;
  /** Absent for `juni check` and `juni invoke`, which leave the output folder alone. */
  output: OutputFolder | undefined;
  time: ZipTime;
  /** The manifest folder: pip's working directory, and what output paths are relative to. */
  manifestDir: string;
  demand: Demand;
  /** Image node id -> the image ID it produced or reused this build. */
  imageIds: Map<string, string>;
  /** Node id -> the result it produced or reused this build (read by the nodes downstream). */
  upstream: Map<string, StoredResult>;
  force: boolean;
  signal: AbortSignal;
  emit: (event: BuildEvent) => void;
  /** Warnings a build gives once, however many nodes meet them (by their text). */
  saidOnce: Set<string>;
}

export type NodeRun =
  | {
      ok: true;
      status: 'built' | 'cached';
      outputs: OutputFile[];
      handler?: HandlerRun;
      bytesWritten: number;
      durationMs: number;
      cache?: 'local' | 'remote';
    }
  | { ok: false; failure: NodeFailure; durationMs: number };

export type RunOutcome = { state: 'done'; run: NodeRun } | { state: 'skipped'; because: string };

/** What a node's output gives the build once it exists (placed zips), whether built or reused. */
export interface Used {
  outputs: OutputFile[];
  bytesWritten: number;
  /** A check's or invoke's: how its handler ran. */
  handler?: HandlerRun;
}

export type Built =
  { ok: true; result: Omit<StoredResult, 'durationMs'>; artifact?: string } | { ok: false; failure: NodeFailure };

/**
 * One node kind's steps, which run-node.ts drives through the cache protocol: the same order for
 * every kind, so no runner has its own cache-hit path.
 */
export interface NodeRecipe {
  /** Run every time, never looked up nor stored (`juni invoke`: a handler's result is not reused). */
  uncached?: boolean;
  /** Why the node cannot run at all (no Docker support, an unresolvable image); checked first. */
  blocked?: () => NodeFailure | undefined;
  /**
   * Puts a stored or fresh result to use (places a zip, checks an image is on the engine).
   * undefined when a stored one turns out unusable: it is dropped and the node runs.
   */
  use: (result: StoredResult | undefined, how: { fresh: boolean }) => Promise<Used | undefined>;
  /** The warning when a stored result is damaged; silent when absent. */
  damaged?: string;
  /**
   * What a usable result must meet before it is put to use (a function zip, Lambda's limits):
   * with a failure, the node fails and nothing is placed; the result stays cached, as it is
   * what these inputs make.
   */
  check?: (result: StoredResult) => LimitFindings;
  build: () => Promise<Built>;
}

export function refOf(planned: PlannedNode): NodeRef {
  const { id, kind, name } = planned.node;
  return { id, kind, name, key: planned.key };
}

/** What the engine side gets to run a step for this node: the build's signal, and its log lines as events. */
export function taskOf(ctx: Pick<RunContext, 'signal' | 'emit'>, planned: PlannedNode): ImageTask {
  const node = refOf(planned);
  return { signal: ctx.signal, onLog: (line) => ctx.emit({ type: 'log', node, line }) };
}
