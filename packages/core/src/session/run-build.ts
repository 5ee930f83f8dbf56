// Owns one `juni build`, as a short recipe: plan, find what is needed, run the nodes through the
// cache, report, place and clean zips, record the run. Leaves each step to its module.
import os from 'node:os';
import { damagedMidBuild, databaseProblem, markDatabaseSuspect } from '../cache/database-problem.js';
import { cachePaths } from '../cache/location.js';
import { PlacedZips } from '../cache/placed-zips.js';
import { DEFAULT_MAX_CACHE_BYTES, storedBytes } from '../cache/prune.js';
import { pruneIfIdle } from '../cache/upkeep.js';
import type { RemoteMode } from '../cache/remote/config.js';
import { ResultStore } from '../cache/results.js';
import { parseSize } from '../cache/size.js';
import { cacheWaitMs, inBuildWriteWaitMs } from '../cache/wait-bound.js';
import type { DockerSupport } from '../executors/docker-support.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local.js';
import type { OwnOutput } from '../fs/own-output.js';
import type { PlanChecks } from '../plan/plan.js';
import type { Shard } from '../graph/shard.js';
import type { ExecutorKind, Manifest } from '../manifest/types.js';
import { redactDeep } from '../redact.js';
import { makeReport } from '../report/build-report.js';
import type { BuildEvent, BuildReport, BuildWarning } from '../report/events.js';
import { recordRun } from '../report/run-history.js';
import { findDemand } from '../run/demand.js';
import type { RunContext } from '../run/run-context.js';
import { refOf } from '../run/run-context.js';
import { runNodes } from '../run/run-nodes.js';
import { BuildCompressor, inThreadCompressor } from '../zip/compressor-pool.js';
import { openBuildCache } from './build-cache.js';
import { finishOutput } from './finish-output.js';
import { removeLeftoverContainers } from './leftover-containers.js';
import { OutputFolder } from './output-folder.js';
import { preparePlan, withExecutor, type PrepareFailure, type Prepared } from './prepare.js';

export interface BuildOptions {
  manifest: Manifest;
  /** `-f NAME`: entries whose name contains it, with what they depend on. */
  filter?: string | undefined;
  /** Overrides every entry's executor. */
  executor?: ExecutorKind | undefined;
  concurrency?: number | undefined;
  force?: boolean | undefined;
  /** Keep zips of entries this build did not produce in the output folder (juniper's semantics). */
  skipClean?: boolean | undefined;
  /** Defaults to JUNI_CACHE_DIR, else `.juni/` beside the manifest. */
  cacheDir?: string | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: BuildEvent) => void) | undefined;
  /** Build only this job's share of the entries. */
  shard?: Shard | undefined;
  /** Whether to use the remote cache; the server itself comes from JUNI_REMOTE_CACHE_URL (or TURBO_API). */
  remoteCache?: RemoteMode | undefined;
  /** The Docker engine's side (packages/docker); without it, docker entries fail clearly. */
  docker?: DockerSupport | undefined;
  /** pip on this machine; defaults to the real one (unit tests inject a fake that counts its runs). */
  localExecutor?: Executor | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Files juni's own stdout/stderr go to (fs/own-output.ts); the CLI passes them. */
  ownOutput?: readonly OwnOutput[] | undefined;
  /** Check every built function's handler in its runtime image (`juni check`, `build --check`), or invoke one. */
  checks?: PlanChecks | undefined;
  /**
   * false: zips are built into the cache only, and the output folder is not touched (`juni check`
   * and `juni invoke`, which may select a part of the manifest without cleaning the rest).
   */
  placeZips?: boolean | undefined;
}

export type BuildOutcome =
  { ok: true; report: BuildReport } | { ok: false; reason: 'build-failed'; report: BuildReport } | PrepareFailure;

/** Builds the selected entries. Never throws for a user mistake or a failed node: see the outcome. */
export async function runBuild(options: BuildOptions): Promise<BuildOutcome> {
  const started = performance.now();
  const manifest = withExecutor(options.manifest, options.executor);
  const env = options.env ?? process.env;
  const events = new EventLog(options.onEvent);
  // Shown with their source line when the manifest was loaded; listed in the report, not shown twice.
  for (const w of manifest.warnings ?? [])
    events.record({ code: w.code, message: `${w.file}:${w.line}:${w.column} ${w.message}` });
  const emit = events.emit;
  const prepared = await preparePlan({ ...options, manifest, onEvent: emit });
  if (!prepared.ok) return prepared;
  const session = prepared.prepared;
  let report: BuildReport;
  let overCap = false;
  const maxBytes = maxCacheBytes(env);
  try {
    const { db, plan, artifacts, stats } = session;
    await removeLeftoverContainers(plan, options.docker, emit);
    emit({ type: 'build-planned', nodes: plan.nodes.map(refOf), filesRead: session.filesRead });
    const results = new ResultStore(db, {
      onMalformed: (r) =>
        emit({
          type: 'warning',
          code: 'cache-result-dropped',
          message: `the stored result of ${r.kind} ${r.name} could not be read back; dropped it and rebuilding`,
        }),
    });
    const cache = openBuildCache({
      results,
      artifacts,
      stats,
      env,
      remoteMode: options.remoteCache,
      warn: events.warn,
    });
    const force = options.force ?? false;
    const ctx: RunContext = {
      plan,
      cache,
      artifacts,
      executors: { local: options.localExecutor ?? new LocalExecutor({ db }), docker: options.docker },
      hasher: session.hasher,
      compressor: new BuildCompressor(inThreadCompressor(session.hasher.bytes)),
      output:
        options.placeZips === false
          ? undefined
          : new OutputFolder({ dir: manifest.output, stats, artifacts, placed: new PlacedZips(db) }),
      time: session.time,
      manifestDir: manifest.dir,
      demand: await findDemand(plan, cache, { force }),
      imageIds: new Map(),
      upstream: new Map(),
      force,
      signal: options.signal ?? new AbortController().signal,
      emit,
      saidOnce: new Set(),
    };
    const runs = await runNodes(ctx, options.concurrency ?? os.availableParallelism()).finally(() =>
      ctx.compressor.close(),
    );
    report = keepResults(makeReport(plan, runs, performance.now() - started));
    if (ctx.output) await finishOutput(ctx.output, report, { skipClean: options.skipClean ?? false, emit });
    stats.flush();
    await cache.flush();
    // For `juni why`.
    recordRun(db, session.manifest.file, report);
    // Asked now, on the open database: most builds are under the cap and need no second open.
    overCap = storedBytes(db) > maxBytes;
  } catch (error) {
    const cacheDir = session.artifacts.cacheDir;
    const damaged = damagedMidBuild(cacheDir, error);
    if (damaged) return { ok: false, reason: 'cache-unusable', dir: cacheDir, ...damaged };
    // Another process took the database's write lock mid-build and kept it past the bound.
    if (databaseProblem(error) !== 'busy') throw error;
    const file = cachePaths(cacheDir).database;
    const waitedMs = inBuildWriteWaitMs(cacheWaitMs(env));
    return { ok: false, reason: 'cache-busy', file, heldBy: 'database', holders: [], waitedMs };
  } finally {
    session.close();
  }
  // After close: pruning needs the exclusive lock, which this build's own shared lock would block.
  if (overCap) pruneAfterBuild(session, maxBytes, emit);
  report.warnings = events.warnings;
  return report.ok ? { ok: true, report } : { ok: false, reason: 'build-failed', report };
}

/**
 * The report, redacted, except an invoke's result: that is the user's own function's return
 * value, printed as it is (`juni invoke` promises it unchanged on stdout), and never stored.
 */
function keepResults(raw: BuildReport): BuildReport {
  const report = redactDeep(raw);
  raw.nodes.forEach((node, i) => {
    const kept = report.nodes[i]?.handler;
    if (node.handler?.result !== undefined && kept) kept.result = node.handler.result;
  });
  return report;
}

function maxCacheBytes(env: NodeJS.ProcessEnv): number {
  return (
    (env.JUNI_CACHE_MAX_SIZE === undefined ? undefined : parseSize(env.JUNI_CACHE_MAX_SIZE)) ?? DEFAULT_MAX_CACHE_BYTES
  );
}

/**
 * Keeps the cache under its size cap, when no other build is using it (prune removes artifacts
 * a build may be reading); otherwise a later build does it.
 */
function pruneAfterBuild(session: Prepared, maxBytes: number, emit: (e: BuildEvent) => void): void {
  const keep = new Set(session.plan.nodes.map((p) => p.key));
  const cacheDir = session.artifacts.cacheDir;
  const pruned = pruneIfIdle(cacheDir, { maxBytes, keep });
  // Damage met while pruning: marked for the next build to heal; this build's output is done.
  if (pruned?.ok === false && pruned.reason === 'cache-damaged') markDatabaseSuspect(cacheDir);
  const removed = pruned?.ok ? (pruned.value?.removedResults ?? 0) : 0;
  if (removed > 0) {
    emit({
      type: 'warning',
      code: 'cache-pruned',
      message: `cache over its size cap: evicted ${removed} least recently used results (JUNI_CACHE_MAX_SIZE)`,
    });
  }
}

/** Every event leaves redacted (pip and servers may echo a URL with its password); warnings are kept for the report. */
class EventLog {
  readonly warnings: BuildWarning[] = [];
  readonly #onEvent: ((event: BuildEvent) => void) | undefined;

  constructor(onEvent: ((event: BuildEvent) => void) | undefined) {
    this.#onEvent = onEvent;
  }

  readonly emit = (event: BuildEvent): void => {
    const redacted = redactDeep(event);
    if (redacted.type === 'warning') {
      const { code, message } = redacted;
      this.warnings.push(code === undefined ? { message } : { code, message });
    }
    this.#onEvent?.(redacted);
  };

  readonly warn = (message: string): void => this.emit({ type: 'warning', message });

  /** A warning for the report only (its owner has already shown it). */
  record(warning: BuildWarning): void {
    this.warnings.push(warning);
  }
}
