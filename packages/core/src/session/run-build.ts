// Owns one `juni build`: open the cache, plan, run the nodes through the scheduler, place zips,
// clean the output folder, record the run. Leaves what each node does to run-deps/run-package.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { ArtifactStore } from '../cache/artifacts.js';
import { PlacedZips } from '../cache/placed-zips.js';
import { ResultStore } from '../cache/results.js';
import type { DockerSupport } from '../executors/docker-support.js';
import type { Executor } from '../executors/executor.js';
import { systemError } from '../fs/system-error.js';
import { LocalExecutor } from '../executors/local.js';
import { upstreamOf } from '../graph/nodes.js';
import type { ExecutorKind, Manifest } from '../manifest/types.js';
import { unreachable } from '../unreachable.js';
import { redactDeep } from '../redact.js';
import type { BuildContext, NodeRun } from '../run/run-context.js';
import { refOf } from '../run/run-context.js';
import type { BuildEvent, BuildReport, BuildWarning, NodeReport } from '../report/events.js';
import { OutputFolder } from './output-folder.js';
import { checkLambdaLimits } from './lambda-limits.js';
import { BuildCompressor, inThreadCompressor } from '../zip/compressor-pool.js';
import { DEFAULT_MAX_CACHE_BYTES, pruneCache } from '../cache/prune.js';
import { parseSize } from '../cache/size.js';
import { remoteConfig, type RemoteMode } from '../cache/remote/config.js';
import { RemoteCache } from '../cache/remote/remote-cache.js';
import type { Shard } from '../graph/shard.js';
import type { BuildPlan, PlannedNode } from '../plan/plan.js';
import { preparePlan, withExecutor, type PrepareFailure } from './prepare.js';
import { recordRun } from '../report/run-history.js';
import { runDeps } from '../run/run-deps.js';
import { runImage } from '../run/run-image.js';
import { runPackage } from '../run/run-package.js';
import { runTasks } from '../run/scheduler.js';

export interface BuildOptions {
  manifest: Manifest;
  /** `-f NAME`: entries whose name contains it, with what they depend on. */
  filter?: string | undefined;
  /** `--executor`: overrides every entry's executor. */
  executor?: ExecutorKind | undefined;
  concurrency?: number | undefined;
  force?: boolean | undefined;
  skipClean?: boolean | undefined;
  /** Defaults to JUNI_CACHE_DIR, else `.juni/` beside the manifest. */
  cacheDir?: string | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: BuildEvent) => void) | undefined;
  /** `--shard i/n`: build only this job's share of the entries. */
  shard?: Shard | undefined;
  /** `--remote-cache`; the server itself comes from JUNI_REMOTE_CACHE_URL (or TURBO_API). */
  remoteCache?: RemoteMode | undefined;
  /** The Docker engine's side (packages/docker); without it, docker entries fail clearly. */
  docker?: DockerSupport | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export type BuildOutcome =
  { ok: true; report: BuildReport } | { ok: false; reason: 'build-failed'; report: BuildReport } | PrepareFailure;

/** Builds the selected entries. Never throws for a user mistake or a failed node: see the outcome. */
export async function runBuild(options: BuildOptions): Promise<BuildOutcome> {
  const started = performance.now();
  const manifest = withExecutor(options.manifest, options.executor);
  // pip and servers may echo an index or cache URL with its password: none reaches a log or --json.
  const onEvent = options.onEvent;
  const warnings: BuildWarning[] = [];
  const emit = (event: BuildEvent): void => {
    const redacted = redactDeep(event);
    if (redacted.type === 'warning')
      warnings.push(
        redacted.code === undefined
          ? { message: redacted.message }
          : { code: redacted.code, message: redacted.message },
      );
    onEvent?.(redacted);
  };
  const prepared = await preparePlan({ ...options, manifest, onEvent: emit });
  if (!prepared.ok) return prepared;
  const { db, stats, artifacts, plan, time, skip } = prepared.prepared;
  try {
    emit({ type: 'build-planned', nodes: plan.nodes.map(refOf), filesRead: prepared.prepared.filesRead });
    const results = new ResultStore(db);
    const config = remoteConfig(options.env ?? process.env, options.remoteCache);
    const remote = config
      ? new RemoteCache({ config, results, artifacts, warn: (message) => emit({ type: 'warning', message }) })
      : undefined;
    const force = options.force ?? false;
    if (remote && !force) await prefetchZips(plan, results, artifacts, remote);
    const executors = new Map<string, Executor>([['local', new LocalExecutor({ db })]]);
    if (options.docker) executors.set('docker', options.docker);
    const ctx: BuildContext = {
      manifest,
      plan,
      results,
      artifacts,
      stats,
      executors,
      time,
      emit,
      skip,
      hasher: prepared.prepared.hasher,
      signal: options.signal ?? new AbortController().signal,
      docker: options.docker,
      output: new OutputFolder({ dir: manifest.output, stats, artifacts, placed: new PlacedZips(db) }),
      force,
      ...neededUpstream(plan, results, artifacts, force),
      remote,
      compressor: new BuildCompressor(inThreadCompressor(prepared.prepared.hasher.bytes)),
      imageIds: new Map(),
    };
    const runs = await runAll(ctx, options.concurrency ?? os.availableParallelism()).finally(() =>
      ctx.compressor.close(),
    );
    const report = redactDeep(applyLimits(ctx, makeReport(plan, runs, performance.now() - started)));
    await finishOutput(ctx, report, options.skipClean ?? false);
    stats.flush();
    results.flushTouches();
    await remote?.flush();
    recordRun(db, manifest.file, report);
    const pruned = pruneCache(db, artifacts.root, {
      maxBytes: maxCacheBytes(options.env ?? process.env),
      keep: new Set(plan.nodes.map((p) => p.key)),
    });
    if (pruned.removedResults > 0)
      emit({
        type: 'warning',
        message: `cache over its size cap: evicted ${pruned.removedResults} least recently used results (JUNI_CACHE_MAX_SIZE)`,
      });
    report.warnings = warnings;
    return report.ok ? { ok: true, report } : { ok: false, reason: 'build-failed', report };
  } finally {
    prepared.prepared.close();
  }
}

/**
 * Asks the remote cache for every layer and function zip the local cache lacks, before anything
 * runs: a zip found there needs neither its install nor its image, so those are not fetched.
 */
async function prefetchZips(
  plan: BuildPlan,
  results: ResultStore,
  artifacts: ArtifactStore,
  remote: RemoteCache,
): Promise<void> {
  const missing = plan.nodes.filter((p) => {
    if (p.node.kind !== 'function' && p.node.kind !== 'layer') return false;
    const zip = results.get(p.key)?.output;
    return !(zip?.type === 'zip' && existsSync(artifacts.zipPath(zip.sha256)));
  });
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let p = queue.shift(); p; p = queue.shift()) await remote.fetch(p.key, `${p.node.kind} ${p.node.name}`);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * Upstream nodes whose outputs are needed this build: the deps tree and image files of every
 * layer or function without a usable stored zip; and the images that must be on the engine, those
 * of every such install that must run. A cached build needs no engine at all.
 */
function neededUpstream(
  plan: BuildPlan,
  results: ResultStore,
  artifacts: ArtifactStore,
  force: boolean,
): { needed: Set<string>; neededOnEngine: Set<string> } {
  const needed = new Set<string>();
  const neededOnEngine = new Set<string>();
  const stored = (key: string) => (force ? undefined : results.get(key));
  for (const p of plan.nodes) {
    const node = p.node;
    if (node.kind !== 'function' && node.kind !== 'layer') continue;
    const zip = stored(p.key)?.output;
    if (zip?.type === 'zip' && existsSync(artifacts.zipPath(zip.sha256))) continue;
    if (node.depsId) needed.add(node.depsId);
    if (node.imageId) needed.add(node.imageId);
  }
  for (const p of plan.nodes) {
    if (p.node.kind === 'deps' && needed.has(p.node.id) && p.node.settings.imageId && !stored(p.key))
      neededOnEngine.add(p.node.settings.imageId);
  }
  return { needed, neededOnEngine };
}

type RunOutcome = { state: 'done'; run: NodeRun } | { state: 'skipped'; because: string };

async function runAll(ctx: BuildContext, concurrency: number): Promise<Map<string, RunOutcome>> {
  const tasks = ctx.plan.nodes.map((planned) => ({
    id: planned.node.id,
    upstream: upstreamOf(planned.node),
    run: () => runNode(ctx, planned),
  }));
  const outcomes = await runTasks(tasks, {
    concurrency: Math.max(1, concurrency),
    isSuccess: (run: NodeRun) => run.ok,
    onSkip: (id, because) => {
      const planned = ctx.plan.byId.get(id)!;
      const upstream = ctx.plan.byId.get(because)!.node;
      ctx.emit({ type: 'node-skipped', node: refOf(planned), because: `${upstream.kind} ${upstream.name}` });
    },
  });
  const out = new Map<string, RunOutcome>();
  for (const [id, o] of outcomes) out.set(id, o.state === 'done' ? { state: 'done', run: o.value } : o);
  return out;
}

/** Runs one node, turning an unexpected exception into a failure so the others still finish. */
async function runNode(ctx: BuildContext, planned: PlannedNode): Promise<NodeRun> {
  const node = planned.node;
  let run: NodeRun;
  try {
    switch (node.kind) {
      case 'deps':
        run = await runDeps(ctx, planned, node);
        break;
      case 'layer':
      case 'function':
        run = await runPackage(ctx, planned, node);
        break;
      case 'image':
        run = await runImage(ctx, planned, node);
        break;
      default:
        unreachable(node);
    }
  } catch (error) {
    const io = systemError(error);
    const e = error instanceof Error ? error : new Error(String(error));
    run = io
      ? { ok: false, durationMs: 0, failure: { reason: 'io-error', ...io } }
      : { ok: false, durationMs: 0, failure: { reason: 'unexpected-error', message: e.message, stack: e.stack } };
  }
  const ref = refOf(planned);
  if (!run.ok) ctx.emit({ type: 'node-failed', node: ref, failure: run.failure, durationMs: run.durationMs });
  else if (run.status === 'built')
    ctx.emit({ type: 'node-built', node: ref, durationMs: run.durationMs, outputs: run.outputs });
  return run;
}

function makeReport(plan: BuildPlan, runs: Map<string, RunOutcome>, durationMs: number): BuildReport {
  const nodes: NodeReport[] = plan.nodes.map((planned) => {
    const { id, kind, name } = planned.node;
    const base = { id, kind, name, key: planned.key };
    const o = runs.get(id);
    if (!o || o.state === 'skipped')
      return { ...base, status: 'skipped', durationMs: 0, outputs: [], ...(o ? { skippedBecause: o.because } : {}) };
    const run = o.run;
    if (!run.ok)
      return { ...base, status: 'failed', durationMs: Math.round(run.durationMs), outputs: [], failure: run.failure };
    return {
      ...base,
      status: run.status,
      durationMs: Math.round(run.durationMs),
      outputs: run.outputs,
      ...(run.status === 'cached' ? { cache: run.cache ?? 'local' } : {}),
    };
  });
  const count = (s: NodeReport['status']): number => nodes.filter((n) => n.status === s).length;
  const bytesWritten = [...runs.values()].reduce(
    (n, o) => n + (o.state === 'done' && o.run.ok ? o.run.bytesWritten : 0),
    0,
  );
  return {
    ok: count('failed') === 0 && count('skipped') === 0,
    nodes,
    warnings: [],
    summary: {
      built: count('built'),
      cached: count('cached'),
      failed: count('failed'),
      skipped: count('skipped'),
      durationMs: Math.round(durationMs),
      bytesWritten,
    },
  };
}

/** Lambda's limits: over-limit functions fail (their zips would not deploy); big zips warn. */
function applyLimits(ctx: BuildContext, report: BuildReport): BuildReport {
  const findings = checkLambdaLimits(ctx.plan, report, ctx.results);
  for (const message of findings.warnings) ctx.emit({ type: 'warning', message });
  if (findings.failures.size === 0) return report;
  const nodes = report.nodes.map((n) => {
    const failure = findings.failures.get(n.id);
    if (!failure) return n;
    ctx.emit({
      type: 'node-failed',
      node: { id: n.id, kind: n.kind, name: n.name, key: n.key },
      failure,
      durationMs: n.durationMs,
    });
    return { ...n, status: 'failed' as const, outputs: [], failure };
  });
  const failed = nodes.filter((n) => n.status === 'failed').length;
  const count = (s: NodeReport['status']): number => nodes.filter((n) => n.status === s).length;
  return {
    ok: false,
    nodes,
    warnings: report.warnings,
    summary: { ...report.summary, built: count('built'), cached: count('cached'), failed },
  };
}

function maxCacheBytes(env: NodeJS.ProcessEnv): number {
  return (
    (env.JUNI_CACHE_MAX_SIZE === undefined ? undefined : parseSize(env.JUNI_CACHE_MAX_SIZE)) ?? DEFAULT_MAX_CACHE_BYTES
  );
}

/**
 * Of the zips juni placed in the output folder, only this run's remain (unless --skip-clean);
 * every other file there is the user's and stays.
 */
async function finishOutput(ctx: BuildContext, report: BuildReport, skipClean: boolean): Promise<void> {
  const keep = new Set<string>();
  for (const n of report.nodes) {
    if (n.kind !== 'function' && n.kind !== 'layer') continue;
    if (n.status === 'built' || n.status === 'cached') keep.add(`${n.name}.zip`);
    // A stale zip beside fresh ones would look like a successful build of this entry.
    else if (!skipClean) await ctx.output.remove(n.name);
  }
  for (const name of await ctx.output.clean(keep, { onlyTemp: skipClean })) {
    ctx.emit({ type: 'warning', message: `removed ${name} from the output folder (not produced by this build)` });
  }
}
