// Owns the build graph's node kinds: image -> deps -> layer/function, image -> layer/function
// (lambda_lib/lambda_bin), layer -> function, and with checks function (+ its layers, runtime
// image) -> check. Leaves keys to plan/plan.ts and running to the scheduler.
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

/**
 * Running a function's handler in its runtime image (`juni check`, `build --check`, `invoke`):
 * the function's zip and its layers' zips, in a container as Lambda's. Only in a graph built
 * with checks.
 */
export interface CheckNode {
  kind: 'check';
  id: string;
  /** The function's name. */
  name: string;
  functionId: string;
  layerIds: string[];
  spec: FunctionSpec;
  /** The runtime image: an `images:` node, or a reference resolved when planned. */
  runtime: { type: 'node'; imageId: string } | { type: 'external'; ref: string };
  /** The runtime the zips are built for (`global.python`, `global.architecture`). */
  target: { python: string | undefined; architecture: Architecture | undefined };
  /** `juni invoke`: the event (JSON text) to call the handler with; such a run is never cached. */
  event?: string;
}

export type PackageNode = LayerNode | FunctionNode;
export type GraphNode = ImageNode | DepsNode | PackageNode | CheckNode;

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
    case 'check':
      ids.push(node.functionId, ...node.layerIds, node.runtime.type === 'node' ? node.runtime.imageId : undefined);
      break;
  }
  return ids.filter((id): id is string => id !== undefined);
}
