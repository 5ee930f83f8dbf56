// Owns a plain description of the build graph (nodes and edges) for `juni graph`.
// Leaves formatting (text, dot, json) to the CLI.
import type { Manifest } from '../manifest/types.js';
import { buildGraph } from './build-graph.js';
import { upstreamOf } from './nodes.js';
import { selectNodes } from './select.js';

export interface GraphDescription {
  nodes: { id: string; kind: string; name: string }[];
  /** `from` must be built before `to`. */
  edges: { from: string; to: string }[];
}

export function describeGraph(
  manifest: Manifest,
  options: { filter?: string | undefined; defaultImage: (python: string | undefined) => string },
): GraphDescription | undefined {
  const selected = selectNodes(buildGraph(manifest, { defaultImage: options.defaultImage }), options.filter);
  if (!selected.ok) return undefined;
  const nodes = selected.graph.nodes;
  return {
    nodes: nodes.map(({ id, kind, name }) => ({ id, kind, name })),
    edges: nodes.flatMap((n) => upstreamOf(n).map((from) => ({ from, to: n.id }))),
  };
}
