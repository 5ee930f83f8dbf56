// Owns one image's recipe: build it from its Dockerfile (or take an external image's resolved
// ID), then copy its lambda_lib/lambda_bin out; a stored one is used if the engine still has it
// whenever an install must run in it. Leaves the engine to packages/docker, caching to run-node.ts.
import type { StoredResult } from '../cache/results.js';
import type { DockerSupport } from '../executors/docker-support.js';
import type { ImageNode } from '../graph/nodes.js';
import type { PlannedNode } from '../plan/plan.js';
import type { Built, NodeRecipe, RunContext, Used } from './run-context.js';
import { taskOf } from './run-context.js';
import { describeTree } from './run-deps.js';

type ImageContext = Pick<RunContext, 'executors' | 'artifacts' | 'hasher' | 'demand' | 'imageIds' | 'signal' | 'emit'>;

export function imageRecipe(ctx: ImageContext, planned: PlannedNode, node: ImageNode): NodeRecipe {
  const docker = ctx.executors.docker;
  return {
    blocked: () => {
      if (!docker) return { reason: 'executor-unavailable', executor: 'docker', users: node.users };
      if (planned.resolved?.ok !== false) return undefined;
      const failure = planned.resolved.failure;
      // Say who needs the image: that is what the user will go and change.
      const users = ` (needed by ${node.users.join(', ')})`;
      return 'message' in failure ? { ...failure, message: failure.message + users } : failure;
    },
    use: (result, how) => use(ctx, docker!, node, result, how),
    build: () => build(ctx, docker!, planned, node),
  };
}

const NOTHING: Used = { outputs: [], bytesWritten: 0 };

async function use(
  ctx: ImageContext,
  docker: DockerSupport,
  node: ImageNode,
  result: StoredResult | undefined,
  how: { fresh: boolean },
): Promise<Used | undefined> {
  if (result?.output.type !== 'image') return undefined;
  const imageId = result.output.imageId;
  // The engine is asked only when an install must run in the image: zips need only its files.
  // An engine that cannot be asked proves nothing: the result stands, and whatever must run in
  // the image fails on its own, saying the engine is unreachable.
  if (!how.fresh && ctx.demand.onEngine(node.id) && (await docker.hasImage(imageId)) === false) return undefined;
  ctx.imageIds.set(node.id, imageId);
  return NOTHING;
}

async function build(ctx: ImageContext, docker: DockerSupport, planned: PlannedNode, node: ImageNode): Promise<Built> {
  const task = taskOf(ctx, planned);
  let image = planned.resolved;
  if (!image && node.source.type === 'dockerfile') {
    // What is sent is checked against the key as it streams: an edit mid-build is never stored.
    const check = { hash: () => ctx.hasher.stream(), dockerfile: planned.breakdown.files.Dockerfile! };
    image = await docker.buildImage(node.source.spec, planned.contextFiles ?? [], task, check);
  }
  if (!image) throw new Error(`image ${node.name} has neither a resolved ID nor a Dockerfile`);
  if (!image.ok) return image;
  const temp = ctx.artifacts.tempPath('lambda');
  const extracted = await docker.extractLambdaFiles(image.imageId, temp, task);
  if (!extracted.ok) {
    ctx.artifacts.remove(temp);
    return extracted;
  }
  const output = { type: 'image' as const, imageId: image.imageId, lambdaFiles: describeTree(temp) };
  return {
    ok: true,
    result: { key: planned.key, kind: 'image', name: node.name, output, inputs: planned.breakdown },
    artifact: temp,
  };
}
