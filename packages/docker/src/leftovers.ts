// Owns finding and removing the containers juni runs left on the engine when they were killed
// (their owner process is gone). Leaves who owns a container to owner.ts and the warning to core.
import type Docker from 'dockerode';
import type { LeftoverContainer, LeftoverSweep } from '@juni/core';
import { messageOf, statusOf } from './engine.js';
import { PROJECT_LABEL } from './containers.js';
import { OWNER_LABEL, ownerIsGone, parseOwner, type Owner } from './owner.js';

/**
 * Removes the project's juni containers whose owner ran on this host and is gone. Only this
 * project's: a build touches nothing of another project, whose own next build clears its
 * leftovers. Containers of live runs and of other hosts are not touched.
 */
export async function removeLeftovers(docker: Docker, self: Owner, project: string): Promise<LeftoverSweep> {
  const sweep: LeftoverSweep = { removed: [], failed: [] };
  let listed: Docker.ContainerInfo[];
  try {
    const label = [OWNER_LABEL, `${PROJECT_LABEL}=${project}`];
    listed = await docker.listContainers({ all: true, filters: { label } });
  } catch {
    // Clearing leftovers is housekeeping: an engine that fails here fails the build's own
    // requests next, with the error worded for them.
    return sweep;
  }
  for (const info of listed) {
    const owner = parseOwner(info.Labels[OWNER_LABEL]);
    if (!owner || !ownerIsGone(owner, self)) continue;
    const container: LeftoverContainer = { id: info.Id, pid: owner.pid };
    try {
      // A dead run's pip may still be running in it: force stops it.
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      sweep.removed.push(container);
    } catch (error) {
      // 404: gone already; 409: being removed. Another build's sweep got there first.
      const status = statusOf(error);
      if (status !== 404 && status !== 409) sweep.failed.push({ container, message: messageOf(error) });
    }
  }
  return sweep;
}
