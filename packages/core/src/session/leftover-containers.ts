// Owns clearing, as a Docker build starts, the containers earlier juni runs left on the engine when
// they were killed, and the warning that says so. Leaves which containers those are to packages/docker.
import type { DockerSupport, LeftoverContainer } from '../executors/docker-support.js';
import type { BuildPlan } from '../plan/plan.js';
import type { BuildEvent } from '../report/events.js';

/** The warnings' code, for scripts reading `--json`'s `warnings`. */
const LEFTOVER_CODE = 'leftover-containers';

/**
 * Removes leftovers when this build uses the engine (it plans an image node or a check), so a build of only
 * local entries never contacts it. A run killed with SIGKILL cannot clean up after itself: the
 * next Docker build is the first moment anyone can.
 */
export async function removeLeftoverContainers(
  plan: BuildPlan,
  docker: DockerSupport | undefined,
  emit: (event: BuildEvent) => void,
): Promise<void> {
  if (!docker || !plan.nodes.some((p) => p.node.kind === 'image' || p.node.kind === 'check')) return;
  const sweep = await docker.removeLeftovers();
  const n = sweep.removed.length;
  if (n > 0) {
    const what =
      n === 1
        ? 'container left by a juni run of this project that ended without removing it'
        : 'containers left by juni runs of this project that ended without removing them';
    const which = sweep.removed.map(describe).join('; ');
    emit({ type: 'warning', code: LEFTOVER_CODE, message: `removed ${n} Docker ${what} (${which})` });
  }
  for (const { container, message } of sweep.failed) {
    emit({
      type: 'warning',
      code: LEFTOVER_CODE,
      message: `could not remove the Docker container left by a juni run (${describe(container)}): ${message}`,
    });
  }
}

function describe(c: LeftoverContainer): string {
  return `${c.id.slice(0, 12)}, pid ${c.pid}`;
}
