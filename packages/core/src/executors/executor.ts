// Owns the contract between the scheduler and the ways of installing dependencies.
// Leaves the ways themselves to local.ts (host pip) and packages/docker (a build container).
import type { DepsNode } from '../graph/nodes.js';
import type { NodeFailure } from '../report/failures.js';
import type { PythonInfoResult } from './python-info.js';
import type { PipInputs } from '../run/pip-inputs.js';
import type { Snapshot } from '../run/requirements-snapshot.js';
import type { ResolvedDistribution } from '../install/pip-report.js';

/**
 * Where an executor whose pip runs elsewhere (a container, maybe on another machine) hands over
 * the installed tree, file by file, straight into the install's pack: no copy of it on disk.
 * Paths are relative to the `--target` folder, '/'-separated.
 */
export interface InstalledFiles {
  /** One regular file, in any order; resolves when the next may be sent (memory stays bounded). */
  file(relPath: string, bytes: Buffer, exec: boolean): Promise<void>;
  /**
   * A symlink or hard link to another path of the tree (resolved, relative to the tree): it
   * becomes a copy of what it points to, as a folder walk on this machine would find it.
   */
  link(relPath: string, target: string): void;
}

export interface InstallRequest {
  node: DepsNode;
  /** Absolute folder to create and fill with the `pip install --target` tree (pip on this machine). */
  target: string;
  /** Where an executor whose pip runs elsewhere delivers the tree instead (then `streamed` in its result). */
  files: InstalledFiles;
  /** The manifest folder: pip's working directory, so relative find-links resolve there. */
  cwd: string;
  /**
   * What pip reads instead of the originals: the requirements closure and the pip.conf, copied
   * and checked against the key (`node.requirements` and `node.settings.pipconf` name the originals).
   */
  inputs: Snapshot;
  /**
   * For container executors: the project files those inputs name (find-links folders, local
   * packages), to copy in at the paths pip looks for them; nothing else of the project is sent.
   */
  local: PipInputs;
  onLog: (line: string) => void;
  signal: AbortSignal;
  /** For container executors: the ID of the image to run pip in. */
  imageId?: string | undefined;
  /** For container executors: that image as the manifest names it (a reference or an `images:` key), for messages. */
  imageName?: string | undefined;
  /** For the local executor: the interpreter the plan described in this node's key. */
  python?: PythonInfoResult | undefined;
}

/** `streamed`: the tree came through `files`, not in `target`. */
export type InstallResult = { ok: true; streamed?: boolean } | { ok: false; failure: NodeFailure };

/**
 * The exact distributions a set resolves to (`pip install --dry-run --report`), with the
 * interpreter pip ran as (scripts name it). `unavailable`: this pip cannot say (too old, or its
 * report is not one juni reads); the set is then installed by pip as a whole.
 */
export type ResolveResult =
  | { ok: true; distributions: ResolvedDistribution[]; interpreter: string }
  | { ok: false; failure: NodeFailure }
  | { ok: 'unavailable'; why: string };

/** One way of running `pip install`. */
export interface Executor {
  readonly kind: string;
  installDeps(request: InstallRequest): Promise<InstallResult>;
  /** Resolving without installing; an executor without it always installs whole sets. */
  resolve?(request: InstallRequest): Promise<ResolveResult>;
}
