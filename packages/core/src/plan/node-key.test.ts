import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadHasher } from '../hash/xxhash.js';
import { TOOL_VERSION } from '../version.js';
import { keyOf, makeBreakdown, type KeyBreakdown } from './node-key.js';

const breakdown = (): KeyBreakdown =>
  makeBreakdown('function', {
    config: { name: 'api', exclude: ['*.md', '*.txt'], keep: [], timestamp: '1980-01-01' },
    files: { 'handler.py': '1111111111111111', 'bin/run': '2222222222222222:x' },
    upstream: { deps: 'aaaaaaaaaaaaaaaa', 'layer:base': 'bbbbbbbbbbbbbbbb' },
  });

test('makeBreakdown adds the tool version and the kind', () => {
  const b = breakdown();
  assert.equal(b.tool, TOOL_VERSION);
  assert.equal(b.kind, 'function');
  assert.deepEqual(Object.keys(b).sort(), ['config', 'files', 'kind', 'tool', 'upstream']);
});

test('the key is 16 hex characters and does not depend on the order keys were added in', async () => {
  const hasher = await loadHasher();
  const key = keyOf(hasher, breakdown());
  assert.match(key, /^[0-9a-f]{16}$/);
  const reordered: KeyBreakdown = {
    upstream: { 'layer:base': 'bbbbbbbbbbbbbbbb', deps: 'aaaaaaaaaaaaaaaa' },
    files: { 'bin/run': '2222222222222222:x', 'handler.py': '1111111111111111' },
    config: { timestamp: '1980-01-01', keep: [], exclude: ['*.md', '*.txt'], name: 'api' },
    kind: 'function',
    tool: TOOL_VERSION,
  };
  assert.equal(keyOf(hasher, reordered), key);
  assert.equal(keyOf(hasher, breakdown()), key);
});

test('a change in any part of the breakdown changes the key', async () => {
  const hasher = await loadHasher();
  const key = keyOf(hasher, breakdown());
  const changes: [string, (b: KeyBreakdown) => void][] = [
    ['tool', (b) => (b.tool = `${b.tool}-next`)],
    ['kind', (b) => (b.kind = 'layer')],
    ['a setting', (b) => (b.config.name = 'api2')],
    ['a list setting', (b) => (b.config.exclude = ['*.md'])],
    ['a list order', (b) => (b.config.exclude = ['*.txt', '*.md'])],
    ['a new setting', (b) => (b.config.network = 'host')],
    ['a file hash', (b) => (b.files['handler.py'] = '1111111111111112')],
    ['an exec bit', (b) => (b.files['handler.py'] = '1111111111111111:x')],
    ['a file renamed', (b) => (b.files = { 'main.py': '1111111111111111', 'bin/run': '2222222222222222:x' })],
    ['a file added', (b) => (b.files['extra.py'] = '3333333333333333')],
    ['a file removed', (b) => delete b.files['bin/run']],
    ['an upstream key', (b) => (b.upstream.deps = 'aaaaaaaaaaaaaaab')],
    ['an upstream role', (b) => (b.upstream = { image: 'aaaaaaaaaaaaaaaa', 'layer:base': 'bbbbbbbbbbbbbbbb' })],
  ];
  const seen = new Set([key]);
  for (const [what, change] of changes) {
    const b = breakdown();
    change(b);
    const changed = keyOf(hasher, b);
    assert.notEqual(changed, key, what);
    seen.add(changed);
  }
  assert.equal(seen.size, changes.length + 1, 'every change gives a key of its own');
});

test('a value moved between parts of the breakdown changes the key', async () => {
  const hasher = await loadHasher();
  const asFile = makeBreakdown('layer', { config: {}, files: { x: 'h' }, upstream: {} });
  const asUpstream = makeBreakdown('layer', { config: {}, files: {}, upstream: { x: 'h' } });
  const asConfig = makeBreakdown('layer', { config: { x: 'h' }, files: {}, upstream: {} });
  assert.equal(new Set([asFile, asUpstream, asConfig].map((b) => keyOf(hasher, b))).size, 3);
});
