// Owns turning a validated manifest into graph nodes and edges: one image node per build image,
// one deps node per requirements file and settings, a node per layer and function.
// Leaves keys (and merging installs whose inputs turn out equal) to plan/plan.ts.
import path from 'node:path';
import type { EntrySpec, Manifest } from '../manifest/types.js';
import type { BuildGraph, DepsNode, DepsSettings, FunctionNode, GraphNode, ImageNode, LayerNode } from './nodes.js';

export interface BuildGraphOptions {
  /** The image for docker entries that name none. */
  defaultImage: (python: string | undefined) => string;
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Builds the graph in topological order: images, deps, layers, functions. */
export function buildGraph(manifest: Manifest, options: BuildGraphOptions): BuildGraph {
  const images = new Map<string, ImageNode>();
  const imageFor = (entry: EntrySpec): string | undefined => {
    if (entry.settings.executor !== 'docker') return undefined;
    const ref = entry.settings.image ?? options.defaultImage(manifest.python);
    // An entry's image names an images: key, or equals the tag of one: an edge to that node.
    const built =
      manifest.images.find((i) => i.name === ref) ?? manifest.images.find((i) => i.tag !== undefined && i.tag === ref);
    const id = built ? `image:${built.name}` : `image:external:${ref}`;
    let node = images.get(id);
    if (!node) {
      node = built
        ? { kind: 'image', id, name: built.name, source: { type: 'dockerfile', spec: built }, users: [] }
        : { kind: 'image', id, name: ref, source: { type: 'external', ref }, users: [] };
      images.set(id, node);
    }
    node.users.push(`${entry.kind} ${entry.name}`);
    return id;
  };

  const deps = new Map<string, DepsNode>();
  const depsFor = (entry: EntrySpec, userId: string, imageId: string | undefined): string | undefined => {
    if (entry.requirements === undefined) return undefined;
    const settings: DepsSettings = {
      executor: entry.settings.executor,
      imageId,
      network: entry.settings.network,
      python: manifest.python,
      architecture: manifest.architecture,
      pipconf: manifest.pipconf,
    };
    const name = path.relative(manifest.dir, entry.requirements).split(path.sep).join('/');
    const id = `deps:${name}|${JSON.stringify(settings)}`;
    let node = deps.get(id);
    if (!node) {
      node = { kind: 'deps', id, name, requirements: entry.requirements, settings, users: [] };
      deps.set(id, node);
    }
    node.users.push(userId);
    return id;
  };

  const layers: LayerNode[] = [...manifest.layers].sort(byName).map((spec) => {
    const id = `layer:${spec.name}`;
    const imageId = imageFor(spec);
    return { kind: 'layer', id, name: spec.name, spec, imageId, depsId: depsFor(spec, id, imageId) };
  });
  const functions: FunctionNode[] = [...manifest.functions].sort(byName).map((spec) => {
    const id = `function:${spec.name}`;
    const imageId = imageFor(spec);
    return {
      kind: 'function',
      id,
      name: spec.name,
      spec,
      imageId,
      depsId: depsFor(spec, id, imageId),
      layerIds: spec.layers.map((l) => `layer:${l}`),
    };
  });
  disambiguateNames([...deps.values()]);
  const nodes: GraphNode[] = [
    ...[...images.values()].sort(byName),
    ...[...deps.values()].sort(byName),
    ...layers,
    ...functions,
  ];
  return { nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
}

/** Two installs of one requirements file (say, for two images) get their first user's name appended. */
function disambiguateNames(nodes: DepsNode[]): void {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.name, (counts.get(n.name) ?? 0) + 1);
  for (const n of nodes) {
    if ((counts.get(n.name) ?? 0) > 1) n.name = `${n.name} (${n.users[0]?.split(':')[1] ?? ''})`;
  }
}
