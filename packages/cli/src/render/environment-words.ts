// Owns the words for a malformed environment variable or a --remote-cache mode without a server.
// Leaves finding them to @juni/core's environmentProblems.
import { unreachable, type EnvironmentProblem } from '@juni/core';

export function describeEnvironmentProblem(p: EnvironmentProblem): { message: string; hint: string } {
  if (p.problem === 'no-remote-server') {
    return {
      message: `--remote-cache ${p.mode} needs a server, and none is set`,
      hint: 'set JUNI_REMOTE_CACHE_URL (or TURBO_API), and JUNI_REMOTE_CACHE_TOKEN if it needs one',
    };
  }
  switch (p.expected) {
    case 'epoch-seconds':
      return {
        message: `${p.variable} must be whole seconds since 1970-01-01 UTC, not '${p.value}'`,
        hint:
          'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it for 1980-01-01; ' +
          'at most 4354819199 (2107, the last year a zip can hold)',
      };
    case 'size':
      return {
        message: `${p.variable} must be a size like 500MB or 2GB, not '${p.value}'`,
        hint: 'unset it for the default of 5GB',
      };
    case 'seconds':
      return {
        message: `${p.variable} must be a number of seconds from 0 to 86400 (a day), like 60 or 0.5, not '${p.value}'`,
        hint: 'unset it for the default of 300 s',
      };
    case 'http-url':
      return {
        message: `${p.variable} must be an http:// or https:// address with a host, not '${p.value}'`,
        hint: 'e.g. http://127.0.0.1:3000 for a server on this machine; percent-encode a password (% as %25)',
      };
    default:
      return unreachable(p.expected);
  }
}
