import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, label, plural } from './format.js';

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
