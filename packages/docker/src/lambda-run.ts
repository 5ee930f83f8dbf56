// Owns running a handler in a Lambda-like container (see DockerSupport.runLambda).
import type Docker from 'dockerode';
import type { ImageTask, LambdaRunOutcome, LambdaRunRequest } from '@juni/core';
import type { ContainerTracker } from './containers.js';

export async function runLambda(
  _docker: Docker,
  _tracker: ContainerTracker,
  _request: LambdaRunRequest,
  _task: ImageTask,
): Promise<LambdaRunOutcome> {
  return { ok: false, failure: { reason: 'container-failed', message: 'not implemented yet' } };
}
