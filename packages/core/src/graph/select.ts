// Owns `-f NAME`: juniper's partial match on function and layer names, plus what they depend on;
// and `juni invoke NAME`: one function's invoke with what it depends on. Leaves building the graph
// to build-graph.ts.
import { upstreamOf, type BuildGraph, type GraphNode } from './nodes.js';

export type SelectResult =
  { ok: true; graph: BuildGraph } | { ok: false; reason: 'no-match'; filter: string; names: string[] };

/** The subgraph of entries whose name contains `filter`, with their upstream nodes (and their checks). */
export function selectNodes(graph: BuildGraph, filter: string | undefined): SelectResult {
  if (filter === undefined) return { ok: true, graph };
  const entries = graph.nodes.filter((n) => n.kind === 'function' || n.kind === 'layer');
  const roots = entries.filter((n) => n.name.includes(filter)).map((n) => n.id);
  if (roots.length === 0) return { ok: false, reason: 'no-match', filter, names: entries.map((n) => n.name) };
  // A selected function's check comes with it.
  const checks = graph.nodes.filter((n) => n.kind === 'check' && roots.includes(n.functionId)).map((n) => n.id);
  return { ok: true, graph: withUpstream(graph, [...roots, ...checks]) };
}

/** The nodes `roots` name, with everything they depend on. */
export function withUpstream(graph: BuildGraph, roots: readonly string[]): BuildGraph {
  const wanted = new Set<string>();
  const visit = (id: string): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    const node = graph.byId.get(id);
    if (node) for (const up of upstreamOf(node)) visit(up);
  };
  for (const id of roots) visit(id);
  const nodes: GraphNode[] = graph.nodes.filter((n) => wanted.has(n.id));
  // A shared install now only serves the selected entries.
  const trimmed = nodes.map((n) => (n.kind === 'deps' ? { ...n, users: n.users.filter((u) => wanted.has(u)) } : n));
  return { nodes: trimmed, byId: new Map(trimmed.map((n) => [n.id, n])) };
}
