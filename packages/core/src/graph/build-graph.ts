// Owns turning a validated manifest into graph nodes and edges, merging identical pip installs.
// Leaves the identity of an install (its key) to the caller, and selection to select.ts.
import path from 'node:path';
import type { EntrySpec, Manifest } from '../manifest/types.js';
import type { BuildGraph, DepsNode, DepsSettings, FunctionNode, GraphNode, LayerNode } from './nodes.js';

export interface BuildGraphOptions {
  /**
   * The identity of an entry's pip install (requirements content, pip.conf, target...): entries
   * with equal identities share one deps node.
   */
  depsIdentity: (requirements: string, settings: DepsSettings) => string;
}

export function depsSettingsOf(manifest: Manifest, entry: EntrySpec): DepsSettings {
  return {
    executor: entry.settings.executor,
    image: entry.settings.image,
    network: entry.settings.network,
    python: manifest.python,
    architecture: manifest.architecture,
    pipconf: manifest.pipconf,
  };
}

/** Builds the graph: deps nodes first, then layers, then functions (a topological order). */
export function buildGraph(manifest: Manifest, options: BuildGraphOptions): BuildGraph {
  const deps = new Map<string, DepsNode>();
  const depsFor = (entry: EntrySpec, userId: string): string | undefined => {
    if (entry.requirements === undefined) return undefined;
    const settings = depsSettingsOf(manifest, entry);
    const id = `deps:${options.depsIdentity(entry.requirements, settings)}`;
    let node = deps.get(id);
    if (!node) {
      const name = path.relative(manifest.dir, entry.requirements).split(path.sep).join('/');
      node = { kind: 'deps', id, name, requirements: entry.requirements, settings, users: [] };
      deps.set(id, node);
    }
    node.users.push(userId);
    return id;
  };
  const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const layers: LayerNode[] = [...manifest.layers].sort(byName).map((spec) => {
    const id = `layer:${spec.name}`;
    return { kind: 'layer', id, name: spec.name, spec, depsId: depsFor(spec, id) };
  });
  const functions: FunctionNode[] = [...manifest.functions].sort(byName).map((spec) => {
    const id = `function:${spec.name}`;
    return { kind: 'function', id, name: spec.name, spec, depsId: depsFor(spec, id), layerIds: spec.layers.map((l) => `layer:${l}`) };
  });
  disambiguateNames([...deps.values()]);
  const nodes: GraphNode[] = [...[...deps.values()].sort(byName), ...layers, ...functions];
  return { nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
}

/** Two installs of one requirements file (say, for two executors) get their first user's name appended. */
function disambiguateNames(nodes: DepsNode[]): void {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.name, (counts.get(n.name) ?? 0) + 1);
  for (const n of nodes) {
    if ((counts.get(n.name) ?? 0) > 1) n.name = `${n.name} (${n.users[0]?.split(':')[1] ?? ''})`;
  }
}
