// Owns turning a validated manifest into graph nodes and edges: one image node per build image,
// one deps node per requirements file and settings, a node per layer and function.
// Leaves keys (and merging installs whose inputs turn out equal) to plan/plan.ts.
import path from 'node:path';
import type { EntrySpec, Manifest } from '../manifest/types.js';
import type {
  BuildGraph,
  CheckNode,
  DepsNode,
  DepsSettings,
  FunctionNode,
  GraphNode,
  ImageNode,
  LayerNode,
} from './nodes.js';

export interface BuildGraphOptions {
  /** The image for docker entries that name none. */
  defaultImage: (python: string | undefined) => string;
  /**
   * Adds a check node per function (`juni check`, `build --check`), or one invoke for the
   * function named (`juni invoke`); `runtimeImage` is the image for functions that name none.
   */
  checks?: GraphChecks | undefined;
}

export type GraphChecks =
  | { mode: 'check'; runtimeImage: (python: string | undefined) => string }
  | { mode: 'invoke'; runtimeImage: (python: string | undefined) => string; name: string; event: string };

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Builds the graph in topological order: images, deps, layers, functions. */
export function buildGraph(manifest: Manifest, options: BuildGraphOptions): BuildGraph {
  const images = new Map<string, ImageNode>();
  /**
   * The image node for `ref`, made once, with `user` added: an `images:` key, or the tag of one, is
   * that image built from its Dockerfile; anything else an external image (`external: false`
   * gives no node for those: a check looks its runtime image up when planned).
   */
  const imageNode = (ref: string, user: string, options: { external: boolean }): string | undefined => {
    const built =
      manifest.images.find((i) => i.name === ref) ?? manifest.images.find((i) => i.tag !== undefined && i.tag === ref);
    if (!built && !options.external) return undefined;
    const id = built ? `image:${built.name}` : `image:external:${ref}`;
    let node = images.get(id);
    if (!node) {
      node = built
        ? { kind: 'image', id, name: built.name, source: { type: 'dockerfile', spec: built }, users: [] }
        : { kind: 'image', id, name: ref, source: { type: 'external', ref }, users: [] };
      images.set(id, node);
    }
    node.users.push(user);
    return id;
  };
  const imageFor = (entry: EntrySpec): string | undefined =>
    entry.settings.executor === 'docker'
      ? imageNode(entry.settings.image ?? options.defaultImage(manifest.python), `${entry.kind} ${entry.name}`, {
          external: true,
        })
      : undefined;

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
  const checks: CheckNode[] = [];
  const checked = options.checks;
  for (const f of functions) {
    if (!checked || (checked.mode === 'invoke' && f.name !== checked.name)) continue;
    const ref = f.spec.lambda.runtimeImage ?? checked.runtimeImage(manifest.python);
    const built = imageNode(ref, `check ${f.name}`, { external: false });
    checks.push(checkNode(f, checked, built ? { type: 'node', imageId: built } : { type: 'external', ref }, manifest));
  }
  disambiguateNames([...deps.values()]);
  const nodes: GraphNode[] = [
    ...[...images.values()].sort(byName),
    ...[...deps.values()].sort(byName),
    ...layers,
    ...functions,
    ...checks,
  ];
  return { nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
}

/**
 * The check (or invoke) of function `f`. A runtime image that is an `images:` entry is an edge to
 * its node (built like any other); any other is looked up by reference when planned.
 */
function checkNode(f: FunctionNode, checks: GraphChecks, runtime: CheckNode['runtime'], manifest: Manifest): CheckNode {
  return {
    kind: 'check',
    id: `check:${f.name}`,
    name: f.name,
    functionId: f.id,
    layerIds: f.layerIds,
    spec: f.spec,
    runtime,
    target: { python: manifest.python, architecture: manifest.architecture },
    ...(checks.mode === 'invoke' ? { event: checks.event } : {}),
  };
}

/** Two installs of one requirements file (say, for two images) get their first user's name appended. */
function disambiguateNames(nodes: DepsNode[]): void {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.name, (counts.get(n.name) ?? 0) + 1);
  for (const n of nodes) {
    if ((counts.get(n.name) ?? 0) > 1) n.name = `${n.name} (${n.users[0]?.split(':')[1] ?? ''})`;
  }
}
