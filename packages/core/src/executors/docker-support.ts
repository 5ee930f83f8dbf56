// Owns the contract core needs from a Docker engine: image IDs, image builds, build contexts,
// lambda_lib/lambda_bin extraction, and pip in a container. Leaves dockerode to packages/docker.
import type { NodeFailure } from '../build/failures.js';
import type { ImageSpec } from '../manifest/types.js';
import type { Executor } from './executor.js';

export type ImageResult = { ok: true; imageId: string } | { ok: false; failure: NodeFailure };

/** A file of an image's build context, as the engine will see it (after .dockerignore). */
export interface ContextFile {
  absPath: string;
  /** Relative to the context folder, '/'-separated. */
  relPath: string;
}

export interface ImageTask {
  onLog: (line: string) => void;
  signal: AbortSignal;
}

export interface DockerSupport extends Executor {
  readonly kind: 'docker';
  /** The image used when an entry names none (juniper's was lambci/lambda:build-python3.6). */
  defaultImage(python: string | undefined): string;
  /** An external image's ID; pulls it (with progress as logs) when the engine does not have it. */
  resolveImage(ref: string, task: ImageTask): Promise<ImageResult>;
  /**
   * The files a build of `spec` sends to the engine: the context after .dockerignore, minus
   * `skip` (absolute folders: juni's output and cache folders are never build inputs).
   */
  contextFiles(spec: ImageSpec, skip: readonly string[]): ContextFile[];
  buildImage(spec: ImageSpec, skip: readonly string[], task: ImageTask): Promise<ImageResult>;
  hasImage(imageId: string): Promise<boolean>;
  /**
   * Copies the image's /var/task/lambda_lib and /var/task/lambda_bin into `target`/lib and
   * `target`/bin (exec bits kept); a missing folder is simply absent.
   */
  extractLambdaFiles(imageId: string, target: string, task: ImageTask): Promise<{ ok: true } | { ok: false; failure: NodeFailure }>;
}
