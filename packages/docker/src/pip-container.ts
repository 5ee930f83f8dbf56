// Owns running `pip install --target` inside the build image: the manifest folder mounted
// read-only (so relative find-links and local paths resolve as on the host), the snapshot of the
// requirements closure beside it, the pip.conf at /etc/pip.conf, the output folder mounted from
// the host, as the invoking user. Leaves caching to core.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { LineSplitter, type InstallRequest, type InstallResult } from '@juni/core';
import { attachOutput, type AttachedOutput, type ContainerTracker } from './containers.js';
import { messageOf } from './engine.js';

const PROJECT = '/juni/project';
const INPUTS = '/juni/inputs';
const OUT = '/juni/out';
const TAIL = 40;

export function containerPlatform(architecture: string | undefined): string | undefined {
  if (architecture === undefined) return undefined;
  return architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

/** Where the snapshot's requirements file appears in the container, and the mount that puts it there. */
function requirementsMount(request: InstallRequest): { path: string; binds: string[] } {
  const rel = path.relative(request.inputs.root, request.inputs.requirements).split(path.sep).join('/');
  return { path: `${INPUTS}/${rel}`, binds: [`${request.inputs.root}:${INPUTS}:ro`] };
}

export async function installInContainer(
  docker: Docker,
  tracker: ContainerTracker,
  request: InstallRequest,
): Promise<InstallResult> {
  const { node, imageId } = request;
  if (imageId === undefined)
    return { ok: false, failure: { reason: 'container-failed', message: `no image was resolved for ${node.name}` } };
  mkdirSync(request.target, { recursive: true });
  const requirements = requirementsMount(request);
  const binds = [`${request.cwd}:${PROJECT}:ro`, `${request.target}:${OUT}`, ...requirements.binds];
  if (request.inputs.pipconf) binds.push(`${request.inputs.pipconf}:/etc/pip.conf:ro`);
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
      Cmd: [
        'python3',
        '-m',
        'pip',
        'install',
        '--target',
        OUT,
        '--no-compile',
        '--no-input',
        '--progress-bar',
        'off',
        '--disable-pip-version-check',
        '-r',
        requirements.path,
      ],
      WorkingDir: PROJECT,
      // Files in the output folder belong to the user who ran juni, never to root.
      User: `${uid}:${gid}`,
      Env: ['HOME=/tmp', 'PYTHONDONTWRITEBYTECODE=1', 'PIP_ROOT_USER_ACTION=ignore'],
      HostConfig: { Binds: binds, NetworkMode: node.settings.network ?? 'default', AutoRemove: false },
      ...(platform ? { platform } : {}),
    });
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
    if (exit.StatusCode === 0) return { ok: true };
    return { ok: false, failure: { reason: 'pip-failed', exitCode: exit.StatusCode, signal: null, logTail: tail } };
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
