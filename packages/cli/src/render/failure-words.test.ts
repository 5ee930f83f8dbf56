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
