// Owns running a plan's nodes in topological order, bounded, each through run-node.ts; a failed
// node skips everything downstream. Leaves ordering to scheduler.ts.
import { upstreamOf } from '../graph/nodes.js';
import type { NodeRun, RunContext, RunOutcome } from './run-context.js';
import { refOf } from './run-context.js';
import { runNode } from './run-node.js';
import { runTasks } from './scheduler.js';

export async function runNodes(ctx: RunContext, concurrency: number): Promise<Map<string, RunOutcome>> {
  const tasks = ctx.plan.nodes.map((planned) => ({
    id: planned.node.id,
    upstream: upstreamOf(planned.node),
    run: () => runNode(ctx, planned),
  }));
  const outcomes = await runTasks(tasks, {
    concurrency: Math.max(1, concurrency),
    isSuccess: (run: NodeRun) => run.ok,
    onSkip: (id, because) => {
      const planned = ctx.plan.byId.get(id)!;
      const upstream = ctx.plan.byId.get(because)!.node;
      ctx.emit({ type: 'node-skipped', node: refOf(planned), because: `${upstream.kind} ${upstream.name}` });
    },
  });
  const out = new Map<string, RunOutcome>();
  for (const [id, o] of outcomes) out.set(id, o.state === 'done' ? { state: 'done', run: o.value } : o);
  return out;
}
