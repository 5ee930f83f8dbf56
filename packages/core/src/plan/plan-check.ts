// Owns a check node's key (`juni check`, `build --check`, `juni invoke`): the function's and its
// layers' zips by key, the runtime image by ID, the handler and the limits it runs under. Leaves
// running it to run/run-check.ts and the other kinds' keys to plan.ts.
import { createHash } from 'node:crypto';
import type { ImageResult, ImageTask } from '../executors/docker-support.js';
import { LAMBDA_RUNNER_VERSION } from '../executors/lambda-run.js';
import type { CheckNode } from '../graph/nodes.js';
import type { Hasher } from '../hash/xxhash.js';
import type { Manifest } from '../manifest/types.js';
import type { ImageRefs } from './image-refs.js';
import { keyOf, makeBreakdown, type KeyBreakdown } from './node-key.js';

/** Lambda's Python runtime's handler when the function names none (and the file it lives in). */
export const DEFAULT_HANDLER = 'lambda_function.lambda_handler';
const DEFAULT_HANDLER_FILE = 'lambda_function.py';

/** The handler a check runs, or the zip's top-level modules to suggest when there is none. */
export type PlannedHandler =
  { handler: string; from: 'manifest' | 'default' } | { handler: undefined; modules: string[] };

/** What planning knows of a node upstream of a check. */
interface Upstream {
  key: string;
  node: { name: string };
  files: readonly { archivePath: string }[];
}

export interface PlannedCheck {
  key: string;
  breakdown: KeyBreakdown;
  handler: PlannedHandler;
  /** An external runtime image's ID, or why it could not be had. */
  resolved?: ImageResult;
}

export async function planCheck(
  ctx: { manifest: Manifest; hasher: Hasher },
  node: CheckNode,
  planned: ReadonlyMap<string, Upstream>,
  images: ImageRefs,
  task: ImageTask,
): Promise<PlannedCheck> {
  const fn = planned.get(node.functionId)!;
  const handler = handlerOf(node, fn);
  const upstream: Record<string, string> = { function: fn.key };
  for (const id of node.layerIds) upstream[id] = planned.get(id)!.key;
  let runtime: Record<string, string>;
  let resolved: ImageResult | undefined;
  if (node.runtime.type === 'node') {
    upstream.runtime = planned.get(node.runtime.imageId)!.key;
    runtime = { runtime_image: planned.get(node.runtime.imageId)!.node.name };
  } else {
    resolved = await images.resolve(node.runtime.ref, task);
    // A re-pulled runtime image is another runtime: the handler is checked again.
    runtime = {
      runtime_image: node.runtime.ref,
      runtime_image_id: resolved.ok ? resolved.imageId : `unresolved:${resolved.failure.reason}`,
    };
  }
  const { lambda } = node.spec;
  const breakdown = makeBreakdown('check', {
    config: {
      mode: node.event === undefined ? 'import' : 'invoke',
      handler: handler.handler ?? 'unset',
      ...runtime,
      python: ctx.manifest.python ?? null,
      architecture: ctx.manifest.architecture ?? 'x86_64',
      memory_size: lambda.memorySize,
      timeout: lambda.timeout,
      environment: environmentId(lambda.environment),
      runner: LAMBDA_RUNNER_VERSION,
    },
    files: {},
    upstream,
  });
  return { key: keyOf(ctx.hasher, breakdown), breakdown, handler, ...(resolved ? { resolved } : {}) };
}

/**
 * The variables' names, and one sha256 of their values: a value may be a secret, and the
 * breakdown is stored in the cache and shown by `juni why`.
 */
function environmentId(environment: Record<string, string>): string {
  const names = Object.keys(environment).sort();
  if (names.length === 0) return 'none';
  const values = createHash('sha256')
    .update(JSON.stringify(names.map((n) => [n, environment[n]])))
    .digest('hex')
    .slice(0, 16);
  return `${names.join(', ')} (values ${values})`;
}

function handlerOf(node: CheckNode, fn: Upstream): PlannedHandler {
  if (node.spec.lambda.handler !== undefined) return { handler: node.spec.lambda.handler, from: 'manifest' };
  const topLevel = fn.files.map((f) => f.archivePath).filter((p) => !p.includes('/'));
  if (topLevel.includes(DEFAULT_HANDLER_FILE)) return { handler: DEFAULT_HANDLER, from: 'default' };
  const modules = topLevel
    .filter((p) => p.endsWith('.py') && p !== '__init__.py')
    .map((p) => p.slice(0, -3))
    .sort();
  return { handler: undefined, modules };
}
