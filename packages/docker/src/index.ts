// Owns @juni/docker's public surface: a DockerSupport (core's contract) backed by dockerode.
// Leaves the build graph and caching to @juni/core.
import type {
  ContextFile,
  DockerSupport,
  ImageSpec,
  ImageTask,
  InstallRequest,
  LambdaRunRequest,
  LibraryRequest,
  SentBytesCheck,
} from '@juni/core';
import { findLibraries } from './image-libraries.js';
import { imageInputs } from './build-context.js';
import { ContainerTracker, PROJECT_LABEL } from './containers.js';
import { Engine } from './engine.js';
import { buildImage, hasImage, resolveImage } from './images.js';
import { extractLambdaFiles } from './lambda-files.js';
import { removeLeftovers } from './leftovers.js';
import { thisProcess } from './owner.js';
import { resolveInContainer } from './pip-resolve.js';
import { installInContainer } from './pip-container.js';
import { runLambda } from './lambda-run.js';

/**
 * juniper used lambci/lambda:build-python3.6, which is gone. The default is AWS SAM's build image
 * for the target Python (overridable per entry with image:, or for all with JUNI_DEFAULT_IMAGE).
 */
export function defaultImage(python: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return env.JUNI_DEFAULT_IMAGE ?? `amazon/aws-sam-cli-build-image-python${python ?? '3.12'}`;
}

/**
 * The image `juni check` and `juni invoke` run handlers in when the manifest names none: AWS's
 * Lambda base image for the target Python (its entrypoint is replaced by juni's runner), or
 * JUNI_RUNTIME_IMAGE.
 */
export function defaultRuntimeImage(python: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return env.JUNI_RUNTIME_IMAGE ?? `amazon/aws-lambda-python:${python ?? '3.12'}`;
}

export interface DockerSupportHandle extends DockerSupport {
  /** Removes every container this process still has (for SIGINT/SIGTERM). */
  removeAllContainers(): Promise<void>;
}

export interface DockerSupportOptions {
  env?: NodeJS.ProcessEnv;
  /** The manifest folder: every container is labelled dev.juni.project=<it>. */
  project?: string;
}

export function createDockerSupport(options: DockerSupportOptions = {}): DockerSupportHandle {
  const env = options.env ?? process.env;
  const engine = new Engine();
  const owner = thisProcess();
  const project = options.project;
  const tracker = new ContainerTracker(owner, project ? { [PROJECT_LABEL]: project } : {});
  return {
    kind: 'docker',
    defaultImage: (python) => defaultImage(python, env),
    imageInputs: (spec: ImageSpec, skip: readonly string[], options?: { wholeContext?: string | undefined }) =>
      imageInputs(spec, skip, options),
    async resolveImage(ref: string, task: ImageTask) {
      const e = await engine.ready();
      if (!e.ok) return e;
      const result = await resolveImage(e.docker, ref, task);
      if (!result.ok && result.failure.reason === 'docker-unreachable') engine.lost();
      return result;
    },
    async buildImage(spec: ImageSpec, files: readonly ContextFile[], task: ImageTask, check?: SentBytesCheck) {
      const e = await engine.ready();
      return e.ok ? buildImage(e.docker, spec, files, task, check) : e;
    },
    async removeLeftovers() {
      const e = await engine.ready();
      // Without a project label on its containers, this process cannot tell which are its project's.
      return e.ok && project ? removeLeftovers(e.docker, owner, project) : { removed: [], failed: [] };
    },
    async hasImage(imageId: string) {
      const e = await engine.ready();
      return e.ok ? hasImage(e.docker, imageId) : undefined;
    },
    async extractLambdaFiles(imageId: string, target: string, task: ImageTask) {
      const e = await engine.ready();
      return e.ok ? extractLambdaFiles(e.docker, tracker, imageId, target, task) : e;
    },
    async installDeps(request: InstallRequest) {
      const e = await engine.ready();
      return e.ok ? installInContainer(e.docker, tracker, request) : e;
    },
    async resolve(request: InstallRequest) {
      const e = await engine.ready();
      return e.ok ? resolveInContainer(e.docker, tracker, request) : e;
    },
    async findLibraries(imageId: string, request: LibraryRequest, task: ImageTask) {
      const e = await engine.ready();
      return e.ok ? findLibraries(e.docker, tracker, imageId, request, task) : e;
    },
    async runLambda(request: LambdaRunRequest, task: ImageTask) {
      const e = await engine.ready();
      return e.ok ? runLambda(e.docker, tracker, request, task) : e;
    },
    defaultRuntimeImage: (python) => defaultRuntimeImage(python, env),
    removeAllContainers: () => tracker.removeAll(),
  };
}
