// Owns image IDs: resolving an external reference (pulling it when missing) and building an
// `images:` node from its Dockerfile. Leaves containers to containers.ts.
import type Docker from 'dockerode';
import type { ContextFile, ImageResult, ImageSpec, ImageTask, SentBytesCheck } from '@juni/core';
import { dockerfileInContext, packContext } from './build-context.js';
import { messageOf, statusOf, unreachable } from './engine.js';

const TAIL = 40;

interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Follows a build or pull stream to its end, passing each line on; resolves with every event. */
function follow(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
): Promise<{ events: ProgressEvent[]; error?: string }> {
  return new Promise((resolve) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => {
        const failed = events?.find((e) => e.error)?.error ?? error?.message;
        resolve(failed ? { events: events ?? [], error: failed } : { events: events ?? [] });
      },
      (event: ProgressEvent) => {
        const text =
          event.stream ??
          (event.status
            ? `${event.id ? `${event.id}: ` : ''}${event.status}${event.progress ? ` ${event.progress}` : ''}`
            : event.error);
        for (const line of (text ?? '').split('\n')) if (line.trim()) onLine(line.trimEnd());
      },
    );
  });
}

/** Pulls `ref` with progress as log lines; the error text, or undefined on success. */
async function pull(docker: Docker, ref: string, task: ImageTask): Promise<string | undefined> {
  // Offline machines and hermetic CI turn pulling off rather than wait on a registry.
  if (process.env.JUNI_PULL === 'never') return 'pulling is turned off (JUNI_PULL=never)';
  task.onLog(`pulling ${ref}`);
  try {
    const stream: NodeJS.ReadableStream = await docker.pull(ref);
    return (await follow(docker, stream, task.onLog)).error;
  } catch (error) {
    return messageOf(error);
  }
}

export async function resolveImage(docker: Docker, ref: string, task: ImageTask): Promise<ImageResult> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { ok: true, imageId: info.Id, onBuild: info.Config?.OnBuild ?? [] };
  } catch (error) {
    // No HTTP status: the request never reached the engine (it stopped since the ping).
    if (statusOf(error) === undefined) return { ok: false, failure: unreachable(error) };
    if (statusOf(error) !== 404)
      return {
        ok: false,
        failure: {
          reason: 'image-unavailable',
          ref,
          message: `could not inspect image ${ref}: ${messageOf(error)}`,
          hint: 'check that the Docker engine is healthy',
        },
      };
  }
  const pullError = await pull(docker, ref, task);
  if (pullError === undefined) {
    try {
      const info = await docker.getImage(ref).inspect();
      return { ok: true, imageId: info.Id, onBuild: info.Config?.OnBuild ?? [] };
    } catch (error) {
      return {
        ok: false,
        failure: {
          reason: 'image-unavailable',
          ref,
          message: `image ${ref} was pulled but cannot be inspected: ${messageOf(error)}`,
          hint: 'check that the Docker engine is healthy',
        },
      };
    }
  }
  return {
    ok: false,
    failure: {
      reason: 'image-unavailable',
      ref,
      message: `image ${ref} is not on the Docker engine and could not be pulled: ${pullError}`,
      hint:
        `build it from a Dockerfile with an images: entry (images: {name: {dockerfile: ./Dockerfile, tag: ${ref}}}), ` +
        'or set image: to an image the engine has (docker images), or build without Docker (executor: local)',
    },
  };
}

export async function buildImage(
  docker: Docker,
  spec: ImageSpec,
  files: readonly ContextFile[],
  task: ImageTask,
  check?: SentBytesCheck,
): Promise<ImageResult> {
  const changed: string[] = [];
  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL) tail.shift();
    task.onLog(line);
  };
  let result: { events: ProgressEvent[]; error?: string };
  try {
    const stream = await docker.buildImage(
      packContext(spec, files, check && { ...check, changed: (relPath) => changed.push(relPath) }),
      {
        dockerfile: dockerfileInContext(spec),
        ...(spec.tag ? { t: spec.tag } : {}),
        ...(spec.target ? { target: spec.target } : {}),
        buildargs: spec.args,
        rm: true,
        forcerm: true,
        abortSignal: task.signal,
      },
    );
    result = await follow(docker, stream, onLine);
  } catch (error) {
    result = { events: [], error: messageOf(error) };
  }
  // The image may have been built, but from bytes its key does not describe: it must not be stored.
  if (changed.length > 0) {
    return {
      ok: false,
      failure: {
        reason: 'input-changed',
        path: changed[0]!,
        entry: spec.name,
        step: 'image',
        change: 'changed',
      },
    };
  }
  const imageId = [...result.events].reverse().find((e) => e.aux?.ID)?.aux?.ID;
  if (result.error !== undefined || imageId === undefined) {
    return {
      ok: false,
      failure: {
        reason: 'image-build-failed',
        message: `building image ${spec.name} failed: ${result.error ?? 'the engine reported no image ID'}`,
        logTail: tail,
      },
    };
  }
  return { ok: true, imageId };
}

export async function hasImage(docker: Docker, imageId: string): Promise<boolean | undefined> {
  try {
    await docker.getImage(imageId).inspect();
    return true;
  } catch (error) {
    return statusOf(error) === 404 ? false : undefined;
  }
}
