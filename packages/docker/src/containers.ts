// Owns every container juni starts: creating, tracking and always removing them (on success,
// failure and interruption). Leaves what runs inside to pip-container.ts and lambda-files.ts.
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
