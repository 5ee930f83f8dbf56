// Owns running one image node: build it from its Dockerfile (or take an external image's resolved
// ID), then copy its lambda_lib/lambda_bin out, reusing both when the key is cached.
// Leaves talking to the engine to the DockerSupport of packages/docker.
import type { ImageNode } from '../graph/nodes.js';
import type { BuildContext, NodeRun } from './run-context.js';
import { refOf } from './run-context.js';
import type { PlannedNode } from '../plan/plan.js';
import { describeTree, treeIsIntact } from './run-deps.js';

export async function runImage(ctx: BuildContext, planned: PlannedNode, node: ImageNode): Promise<NodeRun> {
  const started = performance.now();
  const ref = refOf(planned);
  const elapsed = (): number => performance.now() - started;
  const docker = ctx.docker;
  if (!docker) {
    return {
      ok: false,
      durationMs: elapsed(),
      failure: {
        reason: 'executor-unavailable',
        executor: 'docker',
        message: `${node.users.join(', ')} need the Docker engine, which this build of juni cannot use`,
        hint: 'use --executor local',
      },
    };
  }
  if (planned.resolved?.ok === false) {
    const failure = planned.resolved.failure;
    // Say who needs the image: that is what the user will go and change.
    const users = ` (needed by ${node.users.join(', ')})`;
    return {
      ok: false,
      durationMs: elapsed(),
      failure: 'message' in failure ? { ...failure, message: failure.message + users } : failure,
    };
  }
  const task = { signal: ctx.signal, onLog: (line: string) => ctx.emit({ type: 'log', node: ref, line }) };
  const lambdaRoot = ctx.artifacts.treePath(planned.key);

  const stored = ctx.force ? undefined : ctx.results.get(planned.key);
  if (stored?.output.type === 'image') {
    const { imageId, lambdaFiles } = stored.output;
    // The engine is asked only when an install must run in the image: zips need only its files.
    const treeOk = !ctx.needed.has(node.id) || treeIsIntact(lambdaRoot, lambdaFiles);
    const onEngine = treeOk && ctx.neededOnEngine.has(node.id) ? await docker.hasImage(imageId) : true;
    // An engine that cannot be asked proves nothing: the result stands, and whatever must run in
    // the image fails on its own, saying the engine is unreachable.
    if (treeOk && onEngine !== false) {
      ctx.imageIds.set(node.id, imageId);
      ctx.results.touch(planned.key);
      ctx.emit({ type: 'cache-hit', node: ref, cache: 'local', outputs: [] });
      return { ok: true, status: 'cached', outputs: [], bytesWritten: 0, durationMs: elapsed() };
    }
    ctx.results.delete(planned.key);
    ctx.artifacts.remove(lambdaRoot);
  }

  ctx.emit({ type: 'node-start', node: ref });
  // What is sent is checked against the key as it streams: an edit mid-build is never stored.
  const check = { hash: () => ctx.hasher.stream(), dockerfile: planned.breakdown.files.Dockerfile! };
  const image =
    planned.resolved ??
    (await docker.buildImage(
      (node.source as Extract<ImageNode['source'], { type: 'dockerfile' }>).spec,
      planned.contextFiles ?? [],
      task,
      check,
    ));
  if (!image.ok) return { ok: false, durationMs: elapsed(), failure: image.failure };
  const temp = ctx.artifacts.tempPath('lambda');
  const extracted = await docker.extractLambdaFiles(image.imageId, temp, task);
  if (!extracted.ok) {
    ctx.artifacts.remove(temp);
    return { ok: false, durationMs: elapsed(), failure: extracted.failure };
  }
  const lambdaFiles = describeTree(temp);
  ctx.artifacts.commit(temp, lambdaRoot);
  ctx.imageIds.set(node.id, image.imageId);
  ctx.results.put({
    key: planned.key,
    kind: 'image',
    name: node.name,
    output: { type: 'image', imageId: image.imageId, lambdaFiles },
    inputs: planned.breakdown,
    durationMs: elapsed(),
  });
  return { ok: true, status: 'built', outputs: [], bytesWritten: 0, durationMs: elapsed() };
}
