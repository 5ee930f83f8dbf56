// Owns the build graph's node kinds: image -> deps -> layer/function, layer -> function.
// Leaves computing keys to build/plan.ts and running nodes to the scheduler.
import type { Architecture, ExecutorKind, FunctionSpec, ImageSpec, LayerSpec } from '../manifest/types.js';

/** How and where one pip install runs; every entry with equal settings and inputs shares it. */
export interface DepsSettings {
  executor: ExecutorKind;
  image: string | undefined;
  network: string | undefined;
  python: string | undefined;
  architecture: Architecture | undefined;
  /** Absolute path of the pip.conf, if any. */
  pipconf: string | undefined;
}

/** One pip install (`DepsInstall` in the docs), shared by all entries with the same inputs. */
export interface DepsNode {
  kind: 'deps';
  id: string;
  /** The requirements file relative to the manifest folder (of the first entry using it). */
  name: string;
  requirements: string;
  settings: DepsSettings;
  /** Ids of the layers and functions that use this install. */
  users: string[];
}

export interface LayerNode {
  kind: 'layer';
  id: string;
  name: string;
  spec: LayerSpec;
  depsId: string | undefined;
}

export interface FunctionNode {
  kind: 'function';
  id: string;
  name: string;
  spec: FunctionSpec;
  depsId: string | undefined;
  layerIds: string[];
}

/** An image built from a Dockerfile; the Docker executor builds these (see packages/docker). */
export interface ImageNode {
  kind: 'image';
  id: string;
  name: string;
  spec: ImageSpec;
}

export type PackageNode = LayerNode | FunctionNode;
export type GraphNode = ImageNode | DepsNode | PackageNode;

export interface BuildGraph {
  /** Every node, in a topological order (each node after everything it depends on). */
  nodes: GraphNode[];
  byId: Map<string, GraphNode>;
}

/** The ids a node waits for. */
export function upstreamOf(node: GraphNode): string[] {
  switch (node.kind) {
    case 'image':
      return [];
    case 'deps':
      return [];
    case 'layer':
      return node.depsId ? [node.depsId] : [];
    case 'function':
      return [...(node.depsId ? [node.depsId] : []), ...node.layerIds];
  }
}
