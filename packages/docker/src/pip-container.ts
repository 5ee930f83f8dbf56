// Owns running `pip install --target` inside the build image, with no mounts: pip's inputs are
// copied in (the snapshot of the requirements closure, the pip.conf at /etc/pip.conf, the project
// files they name at the same paths relative to pip's working directory), and the installed tree
// is copied out into juni's pack, so the engine may run anywhere. pip runs as the invoking user.
// Leaves the copies to pip-transfer.ts and caching to core.
import type Docker from 'dockerode';
import {
  LineSplitter,
  notInImageWords,
  whereNamed,
  type InstallRequest,
  type InstallResult,
  type NodeFailure,
} from '@juni/core';
import { attachOutput, type AttachedOutput, type ContainerTracker } from './containers.js';
import { messageOf } from './engine.js';
import { missingInImage, OUT, PROJECT, receiveTree, requirementsPath, sendInputs } from './pip-transfer.js';

const TAIL = 40;

export function containerPlatform(architecture: string | undefined): string | undefined {
  if (architecture === undefined) return undefined;
  return architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

/** pip's own options, the same for an install and a resolve. */
export function pipOptions(request: InstallRequest): string[] {
  return [
    '--target',
    OUT,
    '--no-compile',
    '--no-input',
    '--progress-bar',
    'off',
    '--disable-pip-version-check',
    '-r',
    requirementsPath(request),
  ];
}

export async function installInContainer(
  docker: Docker,
  tracker: ContainerTracker,
  request: InstallRequest,
): Promise<InstallResult> {
  const cmd = ['python3', '-m', 'pip', 'install', ...pipOptions(request)];
  return runPipContainer(docker, tracker, request, cmd, async (container, onLine) => {
    await receiveTree(container, request.files, onLine);
    return { ok: true, streamed: true };
  });
}

/**
 * Runs `cmd` (pip) in a container of the request's image with pip's inputs copied in, then, when
 * it exited 0, `collect` on the stopped container; the container is removed on every path.
 */
export async function runPipContainer<T>(
  docker: Docker,
  tracker: ContainerTracker,
  request: InstallRequest,
  cmd: string[],
  collect: (container: Docker.Container, onLine: (line: string) => void) => Promise<T>,
): Promise<T | { ok: false; failure: NodeFailure }> {
  const { node, imageId } = request;
  if (imageId === undefined)
    return { ok: false, failure: { reason: 'container-failed', message: `no image was resolved for ${node.name}` } };
  // The invoking user, as when the output folder was mounted: pip need not run as root.
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const platform = containerPlatform(node.settings.architecture);
  let container: Docker.Container | undefined;
  let output: AttachedOutput | undefined;
  const abort = (): void => {
    if (container) void tracker.remove(container);
  };
  request.signal.addEventListener('abort', abort, { once: true });
  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL) tail.shift();
    request.onLog(line);
  };
  try {
    container = await tracker.create(docker, {
      Image: imageId,
      // What the container is for, so a leftover (or a test) can tell installs from file copies.
      Labels: { 'dev.juni.role': 'pip' },
      Cmd: cmd,
      WorkingDir: PROJECT,
      // Not root: what pip writes (and a local package it builds in place) is owned as it would be on the host.
      User: `${uid}:${gid}`,
      Env: ['HOME=/tmp', 'PYTHONDONTWRITEBYTECODE=1', 'PIP_ROOT_USER_ACTION=ignore'],
      HostConfig: { NetworkMode: node.settings.network ?? 'default', AutoRemove: false },
      ...(platform ? { platform } : {}),
    });
    if (request.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    const absent = await missingInImage(container, request);
    for (const ref of absent.filter((r) => r.kind === 'find-links'))
      onLine(`find-links ${ref.text} is on this machine but not in the image: pip will ignore it`);
    const missing = absent.filter((r) => r.kind !== 'find-links');
    if (missing.length > 0) {
      const words = notInImageWords(missing[0]!, request.imageName ?? imageId);
      const message = `${whereNamed(missing[0]!, request.cwd)}: ${words.message}`;
      return { ok: false, failure: { reason: 'input-unsendable', message, hint: words.hint } };
    }
    await sendInputs(container, request, { uid, gid });
    if (request.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    output = await attachOutput(
      docker,
      container,
      (chunk) => out.push(chunk),
      (chunk) => err.push(chunk),
    );
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    // pip's last lines (its error) arrive only once the stream has ended, which follows the exit.
    await output.ended;
    out.end();
    err.end();
    if (request.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    if (exit.StatusCode !== 0)
      return { ok: false, failure: { reason: 'pip-failed', exitCode: exit.StatusCode, signal: null, logTail: tail } };
    return await collect(container, onLine);
  } catch (error) {
    if (request.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    return {
      ok: false,
      failure: {
        reason: 'container-failed',
        message: `the pip container for ${node.name} failed: ${messageOf(error)}`,
      },
    };
  } finally {
    request.signal.removeEventListener('abort', abort);
    output?.close();
    if (container) await tracker.remove(container);
  }
}
