import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureDetails, formatBytes, formatDuration, label, plural } from './format.js';

test('formatDuration: whole milliseconds below a second, tenths of seconds from there', () => {
  assert.equal(formatDuration(0), '0ms');
  assert.equal(formatDuration(12.4), '12ms');
  assert.equal(formatDuration(999), '999ms');
  assert.equal(formatDuration(1000), '1.0s');
  assert.equal(formatDuration(1250), '1.3s');
  assert.equal(formatDuration(61_000), '61.0s');
});

test('formatBytes: bytes, then KiB, then MiB, in powers of 1024', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(1024 * 1024), '1.0 MiB');
  assert.equal(formatBytes(250 * 1024 * 1024), '250.0 MiB');
});

test('label and plural', () => {
  assert.equal(label({ kind: 'function', name: 'api' }), 'function api');
  assert.equal(label({ kind: 'deps', name: 'requirements.txt' }), 'deps requirements.txt');
  assert.equal(plural(0, 'node'), '0 nodes');
  assert.equal(plural(1, 'node'), '1 node');
  assert.equal(plural(2, 'file'), '2 files');
});

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
  assert.deepEqual(failureDetails({ reason: 'docker-unreachable', message: 'no docker', hint: 'start it' }), [
    'no docker',
    '  hint: start it',
  ]);
  assert.deepEqual(
    failureDetails({
      reason: 'lambda-limit',
      message: 'too big',
      contributors: [
        { name: 'numpy', bytes: 30 * 1024 * 1024 },
        { name: 'six.py', bytes: 512 },
      ],
    }),
    ['too big', '    30.0 MiB  numpy', '       512 B  six.py'],
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
