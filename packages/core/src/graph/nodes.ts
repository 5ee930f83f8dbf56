// Owns the build graph's node kinds: image -> deps -> layer/function, image -> layer/function
// (lambda_lib/lambda_bin), layer -> function. Leaves keys to plan/plan.ts and running to the scheduler.
import type { Architecture, ExecutorKind, FunctionSpec, ImageSpec, LayerSpec } from '../manifest/types.js';

/** How and where one pip install runs; every entry with equal settings and inputs shares it. */
export interface DepsSettings {
  executor: ExecutorKind;
  /** The image node pip runs in (docker executor only). */
  imageId: string | undefined;
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

interface PackageBase {
  id: string;
  name: string;
  depsId: string | undefined;
  /** The build image whose lambda_lib/lambda_bin go into the zip (docker executor only). */
  imageId: string | undefined;
}

export interface LayerNode extends PackageBase {
  kind: 'layer';
  spec: LayerSpec;
}

export interface FunctionNode extends PackageBase {
  kind: 'function';
  spec: FunctionSpec;
  layerIds: string[];
}

/** A build image: built from a Dockerfile (`images:`), or an external reference resolved to its ID. */
export interface ImageNode {
  kind: 'image';
  id: string;
  name: string;
  source: { type: 'dockerfile'; spec: ImageSpec } | { type: 'external'; ref: string };
  /** Names of the entries that use it, for error messages. */
  users: string[];
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
  const ids: (string | undefined)[] = [];
  switch (node.kind) {
    case 'image':
      break;
    case 'deps':
      ids.push(node.settings.imageId);
      break;
    case 'layer':
      ids.push(node.depsId, node.imageId);
      break;
    case 'function':
      ids.push(node.depsId, node.imageId, ...node.layerIds);
      break;
  }
  return ids.filter((id): id is string => id !== undefined);
}
