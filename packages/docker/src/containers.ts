// Owns every container juni starts: creating, tracking and always removing them (on success,
// failure and interruption), and reading their output. Leaves what runs inside to pip-container.ts and lambda-files.ts.
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { formatOwner, OWNER_LABEL, type Owner } from './owner.js';

/** The manifest folder of the build that created the container. */
export const PROJECT_LABEL = 'dev.juni.project';

/** Containers created by this process and not yet removed. */
export class ContainerTracker {
  readonly #live = new Map<string, Docker.Container>();
  readonly #labels: Record<string, string>;

  /**
   * `owner` and `labels` (the project folder) mark every container, so a later run can tell a
   * killed run's leftovers from a live run's containers (leftovers.ts).
   */
  constructor(owner: Owner, labels: Record<string, string> = {}) {
    this.#labels = { [OWNER_LABEL]: formatOwner(owner), ...labels };
  }

  async create(docker: Docker, options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    const container = await docker.createContainer({ ...options, Labels: { ...options.Labels, ...this.#labels } });
    this.#live.set(container.id, container);
    return container;
  }

  /** Removes the container (force: a running one is killed). Never throws. */
  async remove(container: Docker.Container): Promise<void> {
    this.#live.delete(container.id);
    try {
      await container.remove({ force: true, v: true });
    } catch {
      // Already gone (e.g. removed by an interrupt handler): nothing left to clean.
    }
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((c) => this.remove(c)));
  }
}

/** A created container's output, attached before it starts so that none is missed. */
export interface AttachedOutput {
  /** Resolves once the engine has sent all the output (it ends the stream after the container exits). */
  ended: Promise<void>;
  /** Closes the attach socket: a container that never started leaves it open, holding the process. */
  close(): void;
}

/**
 * Attaches to `container` (created, not yet started): the engine multiplexes stdout and stderr on
 * one stream, split here into `onStdout` and `onStderr` chunks. Call `close()` in a finally.
 */
export async function attachOutput(
  docker: Docker,
  container: Docker.Container,
  onStdout: (chunk: Buffer) => void,
  onStderr: (chunk: Buffer) => void,
): Promise<AttachedOutput> {
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  const sink = (write: (chunk: Buffer) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        write(chunk);
        done();
      },
    });
  (docker.modem as { demuxStream(s: NodeJS.ReadableStream, o: Writable, e: Writable): void }).demuxStream(
    stream,
    sink(onStdout),
    sink(onStderr),
  );
  return { ended, close: () => (stream as unknown as { destroy(): void }).destroy() };
}
