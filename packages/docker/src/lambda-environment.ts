// Owns the environment a handler sees in juni's Lambda-like container: the variables Lambda sets,
// then the function's own. Leaves refusing reserved names in `environment:` to core's manifest checks.
import { randomBytes } from 'node:crypto';
import { TASK_ROOT, type LambdaRunRequest } from '@juni/core';

/** No account or region is ever read from this machine; the ARN and the region are placeholders. */
export const REGION = 'us-east-1';

/** Lambda's PATH: AWS's base images keep python in /var/lang/bin, Debian's in /usr/bin. */
export const LAMBDA_PATH = '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin';

export interface LambdaNames {
  logGroup: string;
  logStream: string;
}

/** The log group and a fresh stream name, in Lambda's shapes. */
export function lambdaNames(functionName: string, now = new Date()): LambdaNames {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    logGroup: `/aws/lambda/${functionName}`,
    logStream: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
  };
}

/**
 * The container's `Env`: what Lambda sets for a Python function, then `request.environment` over
 * it. Built from nothing of this machine's environment, and with no credentials of any kind. The
 * values can be secrets: callers must never log them.
 */
export function lambdaEnvironment(request: LambdaRunRequest, names: LambdaNames): string[] {
  const env = new Map<string, string>([
    ['LAMBDA_TASK_ROOT', TASK_ROOT],
    ['LAMBDA_RUNTIME_DIR', '/var/runtime'],
    [
      'LD_LIBRARY_PATH',
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    ],
    ['PYTHONPATH', '/var/runtime'],
    ['PATH', LAMBDA_PATH],
    ['LANG', 'en_US.UTF-8'],
    ['TZ', ':UTC'],
    ['AWS_REGION', REGION],
    ['AWS_DEFAULT_REGION', REGION],
    ['AWS_LAMBDA_FUNCTION_NAME', request.functionName],
    ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE', String(request.memoryMb)],
    ['AWS_LAMBDA_FUNCTION_VERSION', '$LATEST'],
    ['AWS_LAMBDA_LOG_GROUP_NAME', names.logGroup],
    ['AWS_LAMBDA_LOG_STREAM_NAME', names.logStream],
    ['AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'],
    ['_HANDLER', request.handler],
  ]);
  if (request.python) env.set('AWS_EXECUTION_ENV', `AWS_Lambda_python${request.python}`);
  for (const [name, value] of Object.entries(request.environment)) env.set(name, value);
  return [...env].map(([name, value]) => `${name}=${value}`);
}
