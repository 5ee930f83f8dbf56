// Owns turning the nodes' runs into the build's report: statuses, counts, bytes.
// Leaves running the nodes (and refusing zips over Lambda's limits) to run/, the report's type to events.ts.
import type { BuildPlan } from '../plan/plan.js';
import type { RunOutcome } from '../run/run-context.js';
import type { BuildReport, NodeReport } from './events.js';

export function makeReport(plan: BuildPlan, runs: ReadonlyMap<string, RunOutcome>, durationMs: number): BuildReport {
  const nodes: NodeReport[] = plan.nodes.map((planned) => {
    const { id, kind, name } = planned.node;
    const base = { id, kind, name, key: planned.key };
    const o = runs.get(id);
    if (!o || o.state === 'skipped') {
      return { ...base, status: 'skipped', durationMs: 0, outputs: [], ...(o ? { skippedBecause: o.because } : {}) };
    }
    const run = o.run;
    const durationMs = Math.round(run.durationMs);
    if (!run.ok) return { ...base, status: 'failed', durationMs, outputs: [], failure: run.failure };
    const cache = run.status === 'cached' ? { cache: run.cache ?? 'local' } : {};
    const handler = run.handler ? { handler: run.handler } : {};
    return { ...base, status: run.status, durationMs, outputs: run.outputs, ...cache, ...handler };
  });
  const bytesWritten = [...runs.values()].reduce(
    (n, o) => n + (o.state === 'done' && o.run.ok ? o.run.bytesWritten : 0),
    0,
  );
  return summarise(nodes, { durationMs: Math.round(durationMs), bytesWritten });
}

function summarise(nodes: NodeReport[], totals: { durationMs: number; bytesWritten: number }): BuildReport {
  const count = (s: NodeReport['status']): number => nodes.filter((n) => n.status === s).length;
  return {
    ok: count('failed') === 0 && count('skipped') === 0,
    nodes,
    warnings: [],
    summary: {
      built: count('built'),
      cached: count('cached'),
      failed: count('failed'),
      skipped: count('skipped'),
      ...totals,
    },
  };
}
