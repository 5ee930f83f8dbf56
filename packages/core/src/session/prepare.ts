// Owns what every command that plans needs: the cache opened, inputs hashed, the plan computed.
// Leaves running (run-build.ts) and explaining (explain.ts) the plan to their modules.
import type { ArtifactStore } from '../cache/artifacts.js';
import type { CacheDatabase } from '../cache/database.js';
import { cacheDirOf } from '../cache/location.js';
import { databaseProblem, markDatabaseSuspect, unusableDatabase } from '../cache/database-problem.js';
import { openCacheForBuild, type CacheBusy } from '../cache/open-cache.js';
import { cacheWaitMs } from '../cache/wait-bound.js';
import { StatCache } from '../cache/stat-cache.js';
import type { DockerSupport } from '../executors/docker-support.js';
import { systemError } from '../fs/system-error.js';
import { FolderWalker } from '../fs/walk.js';
import { InputProblemError, type InputProblem } from '../fs/input-problem.js';
import type { OwnOutput } from '../fs/own-output.js';
import { FileHasher } from '../hash/file-hasher.js';
import { loadHasher, type Hasher } from '../hash/xxhash.js';
import type { ExecutorKind, Manifest } from '../manifest/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { ProjectBoundary } from '../fs/project-boundary.js';
import { outputFolderProblems, outsideIncludeProblems, outsideLinkProblems } from './path-safety.js';
import { zipTime, type ZipTime } from '../zip/timestamp.js';
import type { BuildEvent } from '../report/events.js';
import { planBuild, type BuildPlan, type PlanChecks } from '../plan/plan.js';
import { unsendablePipPaths } from '../plan/pip-sendable.js';
import type { Shard } from '../graph/shard.js';
import { healedMessage, waitingMessage } from './cache-warnings.js';

export interface PrepareOptions {
  manifest: Manifest;
  filter?: string | undefined;
  shard?: Shard | undefined;
  cacheDir?: string | undefined;
  docker?: DockerSupport | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: BuildEvent) => void) | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Files juni's own output goes to (fs/own-output.ts): an entry that would pack one is refused. */
  ownOutput?: readonly OwnOutput[] | undefined;
  /** False for commands that only read (explanations): a damaged database is reported, not moved aside. */
  heal?: boolean | undefined;
  /** Check the functions' handlers, or invoke one (plan.ts). */
  checks?: PlanChecks | undefined;
}

export interface Prepared {
  manifest: Manifest;
  db: CacheDatabase;
  stats: StatCache;
  artifacts: ArtifactStore;
  /** The build's xxhash64 (keys and file contents). */
  hasher: Hasher;
  time: ZipTime;
  plan: BuildPlan;
  filesRead: number;
  /** Closes the database, removes this process's temp folder and lets clean and prune run again. */
  close(): void;
}

/** Why a build (or an explanation) could not start; every command reports these the same way. */
export type PrepareFailure =
  | { ok: false; reason: 'no-match'; filter: string; names: string[] }
  | { ok: false; reason: 'input-vanished'; path: string }
  /** The file system refused to let planning read an input; `message` names the path. */
  | { ok: false; reason: 'input-unreadable'; message: string; hint: string }
  /** An input that must not be read: a fifo or device, too large for Lambda, or juni's own log. */
  | { ok: false; reason: 'input-problem'; problem: InputProblem }
  | { ok: false; reason: 'cache-unusable'; dir: string; message: string; hint: string }
  /** Another process held the cache (or clean/prune ran) for longer than JUNI_CACHE_WAIT. */
  | ({ ok: false } & CacheBusy)
  /**
   * The output folder is unsafe to clean, an input lies outside the project (file = the manifest),
   * or a requirements file or pip.conf names a path no build container can be given (file = it).
   */
  | { ok: false; reason: 'unsafe-paths'; diagnostics: Diagnostic[] };

export type PrepareResult = { ok: true; prepared: Prepared } | PrepareFailure;

/** Where the cache lives for a manifest. */
export function cacheDirFor(manifest: Manifest, env: NodeJS.ProcessEnv = process.env): string {
  return cacheDirOf(manifest.dir, env);
}

/** Applies `--executor` to every entry. */
export function withExecutor(manifest: Manifest, executor: ExecutorKind | undefined): Manifest {
  if (executor === undefined) return manifest;
  const entry = <T extends Manifest['functions'][number] | Manifest['layers'][number]>(e: T): T => ({
    ...e,
    settings: { ...e.settings, executor },
  });
  return { ...manifest, functions: manifest.functions.map(entry), layers: manifest.layers.map(entry) };
}

/**
 * Opens the cache and plans. Damage that planning meets deeper in cache.db than opening reads is
 * marked, and planning runs once more at once: that open checks the whole file and moves it aside.
 */
export async function preparePlan(options: PrepareOptions): Promise<PrepareResult> {
  try {
    return await prepareOnce(options);
  } catch (error) {
    if (databaseProblem(error) !== 'damaged') throw error;
    return prepareOnce(options);
  }
}

async function prepareOnce(options: PrepareOptions): Promise<PrepareResult> {
  const env = options.env ?? process.env;
  const manifest = options.manifest;
  const emit = options.onEvent ?? (() => undefined);
  const cacheDir = options.cacheDir ?? cacheDirFor(manifest, env);
  // Checked at every build, not remembered with the manifest: a symlink can change between builds.
  const boundary = ProjectBoundary.forManifest(manifest.dir, manifest.allowOutside);
  const unsafe = [
    ...outputFolderProblems(manifest, { cacheDir, boundary }),
    ...outsideIncludeProblems(manifest, boundary),
  ];
  if (unsafe.length > 0) return { ok: false, reason: 'unsafe-paths', diagnostics: unsafe };
  const hasher = await loadHasher();
  const opened = await openCache(cacheDir, { env, emit, signal: options.signal, heal: options.heal });
  if (!opened.ok) return opened;
  const { db, artifacts, lock } = opened;
  // Each step runs even if the one before throws: a lock left held would keep clean out.
  const close = (): void => {
    try {
      artifacts.close();
    } finally {
      try {
        db.close();
      } finally {
        lock.release();
      }
    }
  };
  try {
    const stats = new StatCache(db);
    const files = new FileHasher({ hasher, stats });
    const skip = [manifest.output, cacheDir];
    // The pip.conf may hold an index password: a folder include never packs it.
    const walker = new FolderWalker({ skip: manifest.pipconf ? [...skip, manifest.pipconf] : skip, boundary });
    const time = zipTime(env);
    const planned = await planBuild({
      manifest,
      hasher,
      files,
      walker,
      db,
      time,
      skip,
      filter: options.filter,
      shard: options.shard,
      docker: options.docker,
      ownOutput: options.ownOutput,
      checks: options.checks,
      signal: options.signal ?? new AbortController().signal,
      onLog: (node, line) =>
        emit({ type: 'log', node: { id: node.id, kind: node.kind, name: node.name, key: '' }, line }),
      onWarning: (code, message) => emit({ type: 'warning', code, message }),
    });
    stats.flush();
    if (!planned.ok) {
      close();
      return planned;
    }
    if (walker.outside.length > 0) {
      close();
      return {
        ok: false,
        reason: 'unsafe-paths',
        diagnostics: outsideLinkProblems(manifest, walker.outside, boundary),
      };
    }
    const unsendable = unsendablePipPaths(
      planned.plan.nodes.flatMap(({ node }) =>
        node.kind === 'deps' && node.settings.executor !== 'local'
          ? [{ requirements: node.requirements, pipconf: node.settings.pipconf }]
          : [],
      ),
      manifest.dir,
    );
    if (unsendable.refused.length > 0) {
      close();
      return { ok: false, reason: 'unsafe-paths', diagnostics: unsendable.refused };
    }
    for (const message of unsendable.ignored) emit({ type: 'warning', code: 'pip-path-not-sent', message });
    return {
      ok: true,
      prepared: {
        manifest,
        db,
        stats,
        artifacts,
        hasher,
        time,
        plan: planned.plan,
        filesRead: files.readCount,
        close,
      },
    };
  } catch (error) {
    if (databaseProblem(error) === 'damaged') markDatabaseSuspect(cacheDir);
    close();
    if (error instanceof InputProblemError) return { ok: false, reason: 'input-problem', problem: error.problem };
    // A file the manifest named was deleted after it was validated: not a bug, a race with an edit.
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && typeof e.path === 'string') return { ok: false, reason: 'input-vanished', path: e.path };
    // An input the machine will not let juni read (permissions, a folder where a file should be).
    const io = systemError(error);
    if (io) return { ok: false, reason: 'input-unreadable', ...io };
    throw error;
  }
}

/**
 * Opens (creating it if need be) the cache folder's database and artifact store, waiting for
 * another process that holds them and healing a damaged database (one warning names where it went).
 */
async function openCache(
  cacheDir: string,
  options: {
    env: NodeJS.ProcessEnv;
    emit: (event: BuildEvent) => void;
    signal: AbortSignal | undefined;
    heal: boolean | undefined;
  },
): Promise<Awaited<ReturnType<typeof openCacheForBuild>> | PrepareFailure> {
  const waitMs = cacheWaitMs(options.env);
  try {
    // Creates the folder too (taking its lock file first), with makeFolder's errors.
    const opened = await openCacheForBuild(cacheDir, {
      waitMs,
      signal: options.signal,
      heal: options.heal,
      onWait: (wait) => options.emit({ type: 'warning', code: 'cache-wait', message: waitingMessage(wait, waitMs) }),
    });
    if (opened.ok && opened.healed)
      options.emit({ type: 'warning', code: 'cache-damaged', message: healedMessage(opened.healed) });
    return opened;
  } catch (error) {
    // The machine's doing (permissions, a read-only or full disk), not a bug: say which folder.
    const io = systemError(error) ?? unusableDatabase(error);
    if (io) return { ok: false, reason: 'cache-unusable', dir: cacheDir, ...io };
    // Only when told not to heal (an explanation): the next build moves it aside.
    if (databaseProblem(error) === 'damaged') {
      return {
        ok: false,
        reason: 'cache-unusable',
        dir: cacheDir,
        message: `its database is damaged (${(error as Error).message})`,
        hint: 'juni build moves it aside and builds without the cache',
      };
    }
    throw error;
  }
}
