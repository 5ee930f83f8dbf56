// Owns checking the environment variables a build depends on before anything is written: a
// malformed value would otherwise be ignored and silently change the result (the reproducible-
// builds spec asks a build to fail on a malformed SOURCE_DATE_EPOCH rather than guess).
import { remoteCacheUrl, type RemoteMode } from '../cache/remote/config.js';
import { parseSize } from '../cache/size.js';
import { isSourceDateEpoch } from '../zip/timestamp.js';

export interface EnvironmentProblem {
  message: string;
  hint: string;
}

export function environmentProblems(
  env: NodeJS.ProcessEnv,
  options: { remoteMode?: RemoteMode | undefined } = {},
): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '' && !isSourceDateEpoch(epoch)) {
    problems.push({
      message: `SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '${epoch}'`,
      hint: 'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it for 1980-01-01',
    });
  }
  const maxSize = env.JUNI_CACHE_MAX_SIZE;
  if (maxSize !== undefined && parseSize(maxSize) === undefined) {
    problems.push({
      message: `JUNI_CACHE_MAX_SIZE must be a size like 500MB or 2GB, not '${maxSize}'`,
      hint: 'unset it for the default of 5GB',
    });
  }
  const remote = remoteCacheUrl(env);
  if (remote && remote.url !== '' && !/^https?:\/\/[^/\s]+/.test(remote.url)) {
    problems.push({
      message: `${remote.variable} must be an http:// or https:// address, not '${remote.url}'`,
      hint: 'e.g. http://127.0.0.1:3000 for a server on this machine',
    });
  }
  if ((options.remoteMode === 'read' || options.remoteMode === 'readwrite') && !remote?.url) {
    problems.push({
      message: `--remote-cache ${options.remoteMode} needs a server, and none is set`,
      hint: 'set JUNI_REMOTE_CACHE_URL (or TURBO_API), and JUNI_REMOTE_CACHE_TOKEN if it needs one',
    });
  }
  return problems;
}
