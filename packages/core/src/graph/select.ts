// Owns `-f NAME`: juniper's partial match on function and layer names, plus what they depend on.
// Leaves building the graph to build-graph.ts.
import { upstreamOf, type BuildGraph, type GraphNode } from './nodes.js';

export type SelectResult =
  { ok: true; graph: BuildGraph } | { ok: false; reason: 'no-match'; filter: string; names: string[] };

/** The subgraph of entries whose name contains `filter`, with their upstream nodes. */
export function selectNodes(graph: BuildGraph, filter: string | undefined): SelectResult {
  if (filter === undefined) return { ok: true, graph };
  const wanted = new Set<string>();
  const visit = (id: string): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    const node = graph.byId.get(id);
    if (node) for (const up of upstreamOf(node)) visit(up);
  };
  const entries = graph.nodes.filter((n) => n.kind === 'function' || n.kind === 'layer');
  for (const node of entries) if (node.name.includes(filter)) visit(node.id);
  if (wanted.size === 0) return { ok: false, reason: 'no-match', filter, names: entries.map((n) => n.name) };
  const nodes: GraphNode[] = graph.nodes.filter((n) => wanted.has(n.id));
  // A shared install now only serves the selected entries.
  const trimmed = nodes.map((n) => (n.kind === 'deps' ? { ...n, users: n.users.filter((u) => wanted.has(u)) } : n));
  return { ok: true, graph: { nodes: trimmed, byId: new Map(trimmed.map((n) => [n.id, n])) } };
}
