// Owns the contract core needs from a Docker engine: image IDs, image builds, build contexts,
// lambda_lib/lambda_bin extraction, and pip in a container. Leaves dockerode to packages/docker.
import type { NodeFailure } from '../report/failures.js';
import type { ImageSpec } from '../manifest/types.js';
import type { Executor } from './executor.js';
import type { LibraryLookup, LibraryRequest } from '../native/library-lookup.js';
import type { LambdaRunOutcome, LambdaRunRequest } from './lambda-run.js';

export type ImageResult =
  /** `onBuild`: the image's ONBUILD triggers, which run in a build that starts from it. */
  { ok: true; imageId: string; onBuild?: string[] } | { ok: false; failure: NodeFailure };

/** A file of an image's build context, as the engine will see it (after .dockerignore). */
export interface ContextFile {
  absPath: string;
  /** Relative to the context folder, '/'-separated. */
  relPath: string;
  /** The content hash in the image's key, once planned: the build refuses other bytes. */
  xxh64?: string;
}

/** What a build checks the bytes it sends against: the hashes in the image's key. */
export interface SentBytesCheck {
  hash: () => { update(chunk: Uint8Array): void; digest(): string };
  /** The Dockerfile's hash in the key. */
  dockerfile: string;
}

/** What a build of an `images:` entry uses, read from its Dockerfile (and .dockerignore). */
export interface ImageInputs {
  /** Images the build starts from or copies from, refs after ARG substitution (1-based lines). */
  bases: { ref: string; line: number }[];
  /** The context files the build reads, sorted: exactly what is sent to the engine. */
  files: ContextFile[];
  /** Why every context file counts, when the Dockerfile's sources cannot be known. */
  wholeContext?: string | undefined;
  /** An image reference juni cannot resolve (e.g. `FROM python:${V%x}`): the image cannot be keyed. */
  unresolvedImage?: { text: string; line: number } | undefined;
}

export interface ImageTask {
  onLog: (line: string) => void;
  signal: AbortSignal;
}

/** A container an earlier juni run created and left behind: the process that made it is gone. */
export interface LeftoverContainer {
  /** The engine's container ID. */
  id: string;
  /** The pid of the juni run that created it. */
  pid: number;
}

export interface LeftoverSweep {
  removed: LeftoverContainer[];
  /** Leftovers the engine refused to remove, with its reason. */
  failed: { container: LeftoverContainer; message: string }[];
}

export interface DockerSupport extends Executor {
  readonly kind: 'docker';
  /** The image used when an entry names none (juniper's was lambci/lambda:build-python3.6). */
  defaultImage(python: string | undefined): string;
  /** An external image's ID; pulls it (with progress as logs) when the engine does not have it. */
  resolveImage(ref: string, task: ImageTask): Promise<ImageResult>;
  /**
   * What a build of `spec` uses: its base images and the context files its Dockerfile names,
   * after .dockerignore, minus `skip` (absolute folders: juni's output and cache folders are
   * never build inputs). `wholeContext` (a reason) makes every context file count.
   */
  imageInputs(spec: ImageSpec, skip: readonly string[], options?: { wholeContext?: string | undefined }): ImageInputs;
  /**
   * Builds `spec` from exactly `files` (and the Dockerfile): nothing else reaches the engine.
   * With `check`, a file whose bytes differ from its keyed hash fails the build (input-changed).
   */
  buildImage(
    spec: ImageSpec,
    files: readonly ContextFile[],
    task: ImageTask,
    check?: SentBytesCheck,
  ): Promise<ImageResult>;
  /**
   * Removes the containers that juni runs of this project on this host created and never
   * removed because they were killed (SIGKILL, a crash): only those whose process is provably
   * gone. An engine that cannot be asked gives an empty sweep.
   */
  removeLeftovers(): Promise<LeftoverSweep>;
  /** Whether the engine has the image; undefined when the engine cannot be asked. */
  hasImage(imageId: string): Promise<boolean | undefined>;
  /**
   * Copies the image's /var/task/lambda_lib and /var/task/lambda_bin into `target`/lib and
   * `target`/bin (exec bits kept); a missing folder is simply absent.
   */
  extractLambdaFiles(
    imageId: string,
    target: string,
    task: ImageTask,
  ): Promise<{ ok: true } | { ok: false; failure: NodeFailure }>;
  /**
   * Looks `request.sonames` up in the image as its dynamic loader would: the ld.so.cache entries for
   * the architecture, then LD_LIBRARY_PATH and the usual library folders. With `request.dest`, copies
   * each found library (symlinks resolved) to `dest/<soname>`. One short-lived container, no network,
   * always removed.
   */
  findLibraries(imageId: string, request: LibraryRequest, task: ImageTask): Promise<LibraryLookup>;
  /**
   * Runs the function's handler once in a container of the runtime image set up as Lambda's: the
   * zip at /var/task, the layers at /opt (copied in through the engine, no bind mounts), Lambda's
   * variables, no network, a read-only root, a non-root user, the memory and time limits. Imports
   * the module and finds the function; with `request.event`, also calls it. The function's own
   * output (stdout and stderr) comes as `task.onLog` lines. The container is always removed,
   * also when `task.signal` aborts.
   */
  runLambda(request: LambdaRunRequest, task: ImageTask): Promise<LambdaRunOutcome>;
  /** The runtime image when the manifest names none (AWS's Lambda base image for the Python). */
  defaultRuntimeImage(python: string | undefined): string;
}
