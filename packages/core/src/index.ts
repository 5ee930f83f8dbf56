// Owns the public surface of @juni/core: what the CLI and the Docker package may use.
// Leaves everything else private to the package.
export { formatDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
export { loadManifest, MANIFEST_NAMES, type LoadManifestResult } from './manifest/load.js';
export type { Manifest, ExecutorKind, FunctionSpec, LayerSpec } from './manifest/types.js';
export { runBuild, cacheDirFor, withExecutor, type BuildOptions, type BuildOutcome } from './build/run-build.js';
export type { BuildEvent, BuildReport, NodeReport, NodeRef, NodeStatus, OutputFile } from './build/events.js';
export { describeFailure, type NodeFailure } from './build/failures.js';
export type { Executor, InstallRequest, InstallResult } from './executors/executor.js';
export { TOOL_VERSION } from './version.js';
export { unreachable } from './unreachable.js';
export type { DockerSupport, ContextFile, ImageResult, ImageTask } from './executors/docker-support.js';
export type { ImageSpec } from './manifest/types.js';
export type { DepsNode } from './graph/nodes.js';
export { LineSplitter } from './executors/line-splitter.js';
