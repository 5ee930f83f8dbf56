import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureDetails } from './failure-words.js';

test("failureDetails: pip's last 20 log lines, quoted under the summary", () => {
  const logTail = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
  const lines = failureDetails({ reason: 'pip-failed', exitCode: 1, signal: null, logTail });
  assert.equal(lines.length, 21);
  assert.equal(lines[0], 'pip exited with code 1');
  assert.equal(lines[1], '  | line 6');
  assert.equal(lines[20], '  | line 25');
  assert.deepEqual(failureDetails({ reason: 'pip-failed', exitCode: null, signal: 'SIGKILL', logTail: [] }), [
    'pip was stopped by SIGKILL',
  ]);
});

test('failureDetails: a hint for the failures that have one, the contributors of a size limit', () => {
  // The engine's hint, then the CLI's own way around the engine: core and docker name no flag.
  assert.deepEqual(failureDetails({ reason: 'docker-unreachable', message: 'no docker', hint: 'start it' }), [
    'no docker',
    '  hint: start it, or build without Docker: --executor local',
  ]);
  assert.deepEqual(
    failureDetails({
      reason: 'lambda-limit',
      entry: 'api',
      limit: 'unzipped',
      bytes: 300_000_000,
      allowed: 262_144_000,
      contributors: [
        { name: 'numpy', bytes: 30 * 1024 * 1024 },
        { name: 'six.py', bytes: 512 },
      ],
    }),
    [
      "function api with its layers unzips to 300,000,000 bytes, over Lambda's limit of 262,144,000; " +
        'largest: numpy 30.0 MB, six.py 0.0 MB',
      '    30.0 MiB  numpy',
      '       512 B  six.py',
    ],
  );
  assert.deepEqual(failureDetails({ reason: 'aborted' }), ['the build was interrupted']);
  assert.deepEqual(failureDetails({ reason: 'container-failed', message: 'exit 137' }), ['exit 137']);
});

test('failureDetails: an unexpected error asks for a report and indents the stack', () => {
  const lines = failureDetails({
    reason: 'unexpected-error',
    message: 'boom',
    stack: 'Error: boom\n    at f (x.js:1:1)',
  });
  assert.deepEqual(lines, [
    'boom',
    '  this is a bug in juni; please report it with this output:',
    '  Error: boom',
    '      at f (x.js:1:1)',
  ]);
});

test('failures that are data are worded by the CLI, with its flags', () => {
  assert.deepEqual(failureDetails({ reason: 'executor-unavailable', executor: 'docker', users: ['api', 'worker'] }), [
    'api, worker need the Docker engine, which this build of juni cannot use',
    '  hint: use --executor local (pip on this machine)',
  ]);
  const changed = failureDetails({
    reason: 'input-changed',
    path: '/p/src/handler.py',
    entry: 'api',
    step: 'zip',
    change: 'changed size',
  });
  assert.deepEqual(changed, [
    'an input changed while building api.zip (/p/src/handler.py changed size while it was being zipped); ' +
      'nothing was stored; build again',
    // A file written all through builds (a log) would fail every one: say how to leave it out.
    '  hint: if handler.py is written while juni builds (a log), leave it out of api (exclude: [handler.py]) ' +
      'or write it outside the project',
  ]);
  const snapshot = failureDetails({
    reason: 'input-changed',
    path: '/p/more.txt',
    entry: 'requirements.txt',
    step: 'install',
    change: 'newly referenced',
  });
  assert.match(snapshot[0]!, /while installing requirements\.txt \(\/p\/more\.txt is newly referenced\)/);
  const zip64 = failureDetails({
    reason: 'lambda-limit',
    entry: 'big',
    limit: 'zip64',
    entries: 70_000,
    overFourGiB: false,
  });
  assert.match(zip64[0]!, /^big: the zip would hold 70000 files, which needs ZIP64/);
});

test("failureDetails: a zip that would not load names each file's problem, where the image has a missing library, and both fixes", () => {
  const judged = {
    architecture: 'x86_64' as const,
    python: '3.11',
    os: { name: 'Amazon Linux 2', glibc: '2.26' },
    searched: { where: 'image' as const, ref: 'builder' },
  };
  const failure = {
    reason: 'native-libs' as const,
    entry: 'api',
    kind: 'function' as const,
    mode: 'check' as const,
    judged,
    problems: [
      {
        problem: 'missing' as const,
        file: 'y.cpython-311-x86_64-linux-gnu.so',
        soname: 'libyaml-0.so.2',
        foundAt: '/usr/lib/x86_64-linux-gnu/libyaml-0.so.2',
      },
      { problem: 'missing' as const, file: 'y.cpython-311-x86_64-linux-gnu.so', soname: 'libnowhere.so.1' },
      { problem: 'glibc' as const, file: 'g.so', needs: '2.28', has: '2.26' },
    ],
  };
  assert.deepEqual(failureDetails(failure), [
    'function api would not load on Lambda:',
    "  y.cpython-311-x86_64-linux-gnu.so needs libyaml-0.so.2, which neither the zip, its layers nor Lambda's " +
      'python3.11 runtime has; the build image has it at /usr/lib/x86_64-linux-gnu/libyaml-0.so.2',
    "  y.cpython-311-x86_64-linux-gnu.so needs libnowhere.so.1, which neither the zip, its layers nor Lambda's " +
      'python3.11 runtime has, nor the build image (builder)',
    "  g.so needs glibc 2.28; Lambda's python3.11 runtime (Amazon Linux 2) has glibc 2.26",
    "  hint: copy them into the zip the juniper way, in the build image's Dockerfile:",
    '          RUN mkdir -p /var/task/lambda_lib && cp /usr/lib/x86_64-linux-gnu/libyaml-0.so.2 /var/task/lambda_lib/',
    '        or let juni copy them (and what they need): native_libs: bundle (under functions.api, or global)',
    '  hint: install the missing libraries in the build image (or put them in the zip), or, when the runtime you ' +
      'deploy to has them (a custom runtime or container image), list them: runtime_libs: [soname, ...]',
    "  hint: build in an image whose glibc is no newer than the runtime's (the AWS SAM build image for the target " +
      'Python), or use wheels tagged for that glibc (manylinux2014)',
    '  hint: to package it unchecked, set native_libs: off for api',
  ]);
});
