// Owns the contract between the scheduler and the ways of installing dependencies.
// Leaves the ways themselves to local.ts (host pip) and packages/docker (a build container).
import type { DepsNode } from '../graph/nodes.js';
import type { NodeFailure } from '../report/failures.js';
import type { PythonInfoResult } from './python-info.js';
import type { Snapshot } from '../run/requirements-snapshot.js';

export interface InstallRequest {
  node: DepsNode;
  /** Absolute folder to create and fill with the `pip install --target` tree. */
  target: string;
  /** The manifest folder: pip's working directory, so relative find-links resolve there. */
  cwd: string;
  /**
   * What pip reads instead of the originals: the requirements closure and the pip.conf, copied
   * and checked against the key (`node.requirements` and `node.settings.pipconf` name the originals).
   */
  inputs: Snapshot;
  onLog: (line: string) => void;
  signal: AbortSignal;
  /** For container executors: the ID of the image to run pip in. */
  imageId?: string | undefined;
  /** For the local executor: the interpreter the plan described in this node's key. */
  python?: PythonInfoResult | undefined;
}

export type InstallResult = { ok: true } | { ok: false; failure: NodeFailure };

/** One way of running `pip install`. */
export interface Executor {
  readonly kind: string;
  installDeps(request: InstallRequest): Promise<InstallResult>;
}
