// Owns `--shard i/n`: splitting the selected entries between n CI jobs so that every node is built
// by exactly one job: entries that share an install, a layer or a built image stay together, and
// the groups are balanced by size. Leaves selection by name to select.ts.
import { upstreamOf, type BuildGraph } from './nodes.js';

export interface Shard {
  index: number;
  count: number;
}

/** Parses "2/3" (1-based). */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && index <= count ? { index, count } : undefined;
}

/** The part of the graph that shard `index` of `count` builds. Deterministic for a given graph. */
export function shardGraph(graph: BuildGraph, shard: Shard): BuildGraph {
  if (shard.count === 1) return graph;
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const node of graph.nodes) {
    parent.set(node.id, parent.get(node.id) ?? node.id);
    for (const up of upstreamOf(node)) {
      const upNode = graph.byId.get(up);
      // An external image is only looked up, not built: sharing one does not tie entries together.
      if (upNode?.kind === 'image' && upNode.source.type === 'external') continue;
      // A check goes where its function goes; a runtime image built for checks is built (once per
      // engine) by each job that needs it, so --check does not change which zips a job builds.
      if (node.kind === 'check' && upNode?.kind === 'image') continue;
      union(node.id, up);
    }
  }
  const groups = new Map<string, string[]>();
  for (const node of graph.nodes) {
    if (node.kind !== 'function' && node.kind !== 'layer') continue;
    const root = find(node.id);
    groups.set(root, [...(groups.get(root) ?? []), node.id]);
  }
  // Biggest groups first, each to the least loaded shard (ties: the lowest shard).
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const load = Array.from({ length: shard.count }, () => 0);
  const mine = new Set<string>();
  for (const [root, members] of ordered) {
    const target = load.indexOf(Math.min(...load));
    load[target]! += members.length;
    if (target === shard.index - 1) mine.add(root);
  }
  const nodes = graph.nodes.filter((n) => {
    // An image not tied to a group (external, or a check's runtime image only) goes where it is used.
    if (n.kind === 'image' && !groups.has(find(n.id))) {
      return graph.nodes.some((m) => mine.has(find(m.id)) && upstreamOf(m).includes(n.id));
    }
    return mine.has(find(n.id));
  });
  return { nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
}
