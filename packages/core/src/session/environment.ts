// Owns checking the environment variables a build depends on before anything is written: a
// malformed value would otherwise be ignored and silently change the result (the reproducible-
// builds spec asks a build to fail on a malformed SOURCE_DATE_EPOCH rather than guess).
// Leaves wording the problems to the CLI.
import { remoteCacheUrl, splitCredentials, type RemoteMode } from '../cache/remote/config.js';
import { parseSize } from '../cache/size.js';
import { redactCredentials } from '../redact.js';
import { isCacheWait } from '../cache/wait-bound.js';
import { isSourceDateEpoch } from '../zip/timestamp.js';

export type EnvironmentProblem =
  /** A variable whose value is not of the form it must have. */
  | {
      problem: 'malformed';
      variable: 'SOURCE_DATE_EPOCH' | 'JUNI_CACHE_MAX_SIZE' | 'JUNI_CACHE_WAIT' | 'JUNI_REMOTE_CACHE_URL' | 'TURBO_API';
      value: string;
      expected: 'epoch-seconds' | 'size' | 'seconds' | 'http-url';
    }
  /** A remote cache mode that needs a server was asked for, and no server is set. */
  | { problem: 'no-remote-server'; mode: RemoteMode };

export function environmentProblems(
  env: NodeJS.ProcessEnv,
  options: { remoteMode?: RemoteMode | undefined } = {},
): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '' && !isSourceDateEpoch(epoch)) {
    problems.push({ problem: 'malformed', variable: 'SOURCE_DATE_EPOCH', value: epoch, expected: 'epoch-seconds' });
  }
  const maxSize = env.JUNI_CACHE_MAX_SIZE;
  if (maxSize !== undefined && parseSize(maxSize) === undefined) {
    problems.push({ problem: 'malformed', variable: 'JUNI_CACHE_MAX_SIZE', value: maxSize, expected: 'size' });
  }
  const wait = env.JUNI_CACHE_WAIT;
  if (wait !== undefined && !isCacheWait(wait)) {
    problems.push({ problem: 'malformed', variable: 'JUNI_CACHE_WAIT', value: wait, expected: 'seconds' });
  }
  const remote = remoteCacheUrl(env);
  if (remote && remote.url !== '' && !splitCredentials(remote.url)) {
    // The address may carry a password: the problem, which is printed, never does.
    problems.push({
      problem: 'malformed',
      variable: remote.variable,
      value: redactCredentials(remote.url),
      expected: 'http-url',
    });
  }
  if ((options.remoteMode === 'read' || options.remoteMode === 'readwrite') && !remote?.url) {
    problems.push({ problem: 'no-remote-server', mode: options.remoteMode });
  }
  return problems;
}
