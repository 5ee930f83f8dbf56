// Owns `juni graph`: the build graph as text (indented), Graphviz dot, or JSON.
// Leaves building the graph to @juni/core.
import { describeGraph, type GraphDescription } from '@juni/core';
import type { GraphArgs } from '../args.js';
import type { Io } from '../io.js';
import { loadForBuild, usageError } from './load.js';

export async function graphCommand(args: GraphArgs, io: Io): Promise<number> {
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const { defaultImage } = await import('@juni/docker');
  const graph = describeGraph(loaded.manifest, { filter: args.filter, defaultImage: (python) => defaultImage(python) });
  if (!graph)
    return usageError(
      args,
      io,
      `no function or layer name contains '${args.filter ?? ''}'`,
      'drop -f to see the whole graph, or pass part of a name under functions: or layers:',
    );
  // --json is every command's way to ask for JSON; --format json says the same.
  switch (args.json ? 'json' : args.format) {
    case 'json':
      io.stdout(JSON.stringify(graph, null, 2));
      break;
    case 'dot':
      io.stdout(toDot(graph));
      break;
    case 'text':
      io.stdout(toText(graph));
      break;
  }
  return 0;
}

function toDot(graph: GraphDescription): string {
  const q = (s: string): string => JSON.stringify(s);
  const shape: Record<string, string> = { image: 'box3d', deps: 'cylinder', layer: 'folder', function: 'box' };
  return [
    'digraph juni {',
    '  rankdir=LR;',
    ...graph.nodes.map((n) => `  ${q(n.id)} [label=${q(`${n.kind}\n${n.name}`)}, shape=${shape[n.kind] ?? 'box'}];`),
    ...graph.edges.map((e) => `  ${q(e.from)} -> ${q(e.to)};`),
    '}',
  ].join('\n');
}

/** Each layer and function with what it is built from, indented. */
function toText(graph: GraphDescription): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const lines: string[] = [];
  const show = (id: string, depth: number): void => {
    const n = byId.get(id);
    if (!n) return;
    lines.push(`${'  '.repeat(depth)}${n.kind} ${n.name}`);
    for (const e of graph.edges.filter((x) => x.to === id)) show(e.from, depth + 1);
  };
  for (const n of graph.nodes) if (n.kind === 'function' || n.kind === 'layer') show(n.id, 0);
  return lines.join('\n');
}
