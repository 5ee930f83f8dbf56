// Owns one check's recipe: run the function's handler in its runtime image (DockerSupport.runLambda)
// with the zips this build made or reused, and store that it imported; an invoke (with an event)
// is run every time and never stored. Leaves the container to packages/docker, caching to run-node.ts.
import type { CheckOutput, HandlerRun, StoredResult } from '../cache/results.js';
import { zipOutputOf } from '../cache/results.js';
import type { DockerSupport } from '../executors/docker-support.js';
import type { CheckNode } from '../graph/nodes.js';
import type { PlannedNode } from '../plan/plan.js';
import type { NodeFailure } from '../report/failures.js';
import type { Built, NodeRecipe, RunContext, Used } from './run-context.js';
import { taskOf } from './run-context.js';

type CheckContext = Pick<RunContext, 'executors' | 'artifacts' | 'upstream' | 'imageIds' | 'signal' | 'emit'>;

export function checkRecipe(ctx: CheckContext, planned: PlannedNode, node: CheckNode): NodeRecipe {
  const docker = ctx.executors.docker;
  return {
    uncached: node.event !== undefined,
    blocked: () => blocked(docker, planned, node),
    use: (result) => Promise.resolve(use(result)),
    build: () => build(ctx, docker!, planned, node),
  };
}

function blocked(docker: DockerSupport | undefined, planned: PlannedNode, node: CheckNode): NodeFailure | undefined {
  const users = [`check ${node.name}`];
  if (!docker) return { reason: 'executor-unavailable', executor: 'docker', users };
  if (planned.handler?.handler === undefined)
    return { reason: 'handler-unset', entry: node.name, candidates: planned.handler?.modules ?? [] };
  if (planned.resolved?.ok !== false) return undefined;
  const failure = planned.resolved.failure;
  if (failure.reason === 'image-unavailable')
    // The engine's hint is about build images; this one is where handlers run.
    return {
      ...failure,
      message: `${failure.message} (the runtime image of ${node.name})`,
      hint:
        `set runtime_image: under functions.${node.name} (or global:) to an image the engine has (docker images), ` +
        'or JUNI_RUNTIME_IMAGE; any image with python3 will do',
    };
  return 'message' in failure
    ? { ...failure, message: `${failure.message} (the runtime image of ${node.name})` }
    : failure;
}

/** A check's result is its report: nothing is placed. */
function use(result: StoredResult | undefined): Used | undefined {
  if (result?.output.type !== 'check') return undefined;
  // An invoke's result and time come along (it is used fresh, never stored).
  const { handler, python, imageId, initMs, result: value, invokeMs } = result.output;
  const invoked = value === undefined ? {} : { result: value, ...(invokeMs === undefined ? {} : { invokeMs }) };
  return { outputs: [], bytesWritten: 0, handler: { handler, python, imageId, initMs, ...invoked } };
}

async function build(ctx: CheckContext, docker: DockerSupport, planned: PlannedNode, node: CheckNode): Promise<Built> {
  const zipOf = (id: string): string => {
    const zip = zipOutputOf(ctx.upstream.get(id));
    if (!zip) throw new Error(`check ${node.name} runs before the zip of ${id} exists`);
    return ctx.artifacts.zipPath(zip.sha256);
  };
  const imageId =
    node.runtime.type === 'node'
      ? ctx.imageIds.get(node.runtime.imageId)
      : planned.resolved?.ok
        ? planned.resolved.imageId
        : undefined;
  if (imageId === undefined) throw new Error(`check ${node.name} has no runtime image ID`);
  const handler = planned.handler?.handler;
  if (handler === undefined) throw new Error(`check ${node.name} runs without a handler`);
  const { lambda } = node.spec;
  const ran = await docker.runLambda(
    {
      imageId,
      imageRef: planned.runtimeRef ?? imageId,
      functionName: node.name,
      handler,
      zip: zipOf(node.functionId),
      layers: node.layerIds.map(zipOf),
      python: node.target.python,
      architecture: node.target.architecture,
      memoryMb: lambda.memorySize,
      timeoutSeconds: lambda.timeout,
      environment: lambda.environment,
      event: node.event,
    },
    taskOf(ctx, planned),
  );
  if (!ran.ok) return ran;
  const run: HandlerRun = {
    handler,
    python: ran.python,
    imageId,
    initMs: Math.round(ran.initMs),
    ...(ran.result === undefined ? {} : { result: ran.result }),
    ...(ran.invokeMs === undefined ? {} : { invokeMs: Math.round(ran.invokeMs) }),
  };
  const output: CheckOutput = { type: 'check', ...run };
  return { ok: true, result: { key: planned.key, kind: 'check', name: node.name, output, inputs: planned.breakdown } };
}
