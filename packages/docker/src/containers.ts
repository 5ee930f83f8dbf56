// Owns every container juni starts: creating, tracking and always removing them (on success,
// failure and interruption). Leaves what runs inside to pip-container.ts and lambda-files.ts.
import type Docker from 'dockerode';

/** Containers created by this process and not yet removed. */
export class ContainerTracker {
  readonly #live = new Map<string, Docker.Container>();
  readonly #labels: Record<string, string>;

  /** `labels` mark every container (owner pid, project folder) so leftovers can be traced. */
  constructor(labels: Record<string, string> = {}) {
    this.#labels = { 'dev.juni.owner': String(process.pid), ...labels };
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
