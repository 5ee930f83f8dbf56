// Owns the public surface of @juni/core: what the CLI and the Docker package may use.
// Leaves everything else private to the package.
export { formatDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
export {
  findManifest,
  loadManifest,
  MANIFEST_NAMES,
  type LoadManifestResult,
  type ManifestFileProblem,
} from './manifest/load.js';
export type { Manifest, ManifestWarning, ExecutorKind, FunctionSpec, LayerSpec } from './manifest/types.js';
export { didYouMean } from './manifest/did-you-mean.js';
export { describeKind, type PathKind } from './fs/path-kind.js';
export { runBuild, type BuildOptions, type BuildOutcome } from './session/run-build.js';
export type { PlanChecks } from './plan/plan.js';
export type { HandlerRun } from './cache/node-output.js';
export { cacheDirFor, withExecutor, type PrepareFailure } from './session/prepare.js';
export { ownOutputFiles, isOwnOutput, type OwnOutput } from './fs/own-output.js';
export type { InputProblem } from './fs/input-problem.js';
export { readRegularFileSync } from './fs/read-regular.js';
export type {
  BuildEvent,
  BuildReport,
  BuildWarning,
  NodeKind,
  NodeReport,
  NodeRef,
  NodeStatus,
  OutputFile,
} from './report/events.js';
export type { LambdaLimit, NodeFailure } from './report/failures.js';
export type { Executor, InstalledFiles, InstallRequest, InstallResult, ResolveResult } from './executors/executor.js';
export { parsePipReport, type ResolvedDistribution } from './install/pip-report.js';
export type { PipInputs, SentFile } from './run/pip-inputs.js';
export { isPlainRelativePath } from './fs/plain-path.js';
export { notInImageWords, whereNamed } from './plan/pip-sendable.js';
export type { PipPath } from './plan/pip-paths.js';
export { TOOL_VERSION } from './version.js';
export { unreachable } from './unreachable.js';
export type {
  DockerSupport,
  ContextFile,
  ImageInputs,
  ImageResult,
  ImageTask,
  LeftoverContainer,
  LeftoverSweep,
  SentBytesCheck,
} from './executors/docker-support.js';
export type { ImageSpec, Architecture } from './manifest/types.js';
export { refusedSoname, type FoundLibrary, type LibraryLookup, type LibraryRequest } from './native/library-lookup.js';
export { TASK_ROOT, type LambdaRunOutcome, type LambdaRunRequest } from './executors/lambda-run.js';
export { machineWords } from './native/elf.js';
export type { NativeFinding, NativeJudged } from './report/failures.js';
export type { BundledLibrary } from './cache/node-output.js';
export type { DepsNode } from './graph/nodes.js';
export { LineSplitter } from './executors/line-splitter.js';
export { watchTargets, type WatchTargets } from './plan/watch-targets.js';
export { explainBuild, type NodeExplanation, type ExplainOutcome, type ImageNote } from './report/explain.js';
export type { ChangeReason } from './report/explain-diff.js';
export { describeGraph, type GraphDescription } from './graph/describe.js';
export { DEFAULT_MAX_CACHE_BYTES, type CacheStats, type PruneResult } from './cache/prune.js';
export { inspectCache, pruneCacheDir, type CacheProblem, type UpkeepOutcome } from './cache/upkeep.js';
export type { CacheBusy } from './cache/open-cache.js';
export { holdersWords, type LockHolder } from './cache/lock-holders.js';
export { cacheWaitMs } from './cache/wait-bound.js';
export { isAlive } from './cache/artifacts.js';
export { cleanCache, type CleanResult } from './cache/clean.js';
export { parseSize } from './cache/size.js';
export { environmentProblems, type EnvironmentProblem } from './session/environment.js';
export { parseShard, type Shard } from './graph/shard.js';
export type { RemoteMode } from './cache/remote/config.js';
