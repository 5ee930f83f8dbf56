import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyBreakdown } from '../plan/node-key.js';
import { describeReason, diffBreakdowns, type ChangeReason } from './explain-diff.js';

function breakdown(parts: Partial<KeyBreakdown> = {}): KeyBreakdown {
  return { tool: '1.0.0', kind: 'function', config: {}, files: {}, upstream: {}, ...parts };
}

test('equal breakdowns give no reason', () => {
  const b = breakdown({
    config: { name: 'api', exclude: ['*.md'] },
    files: { 'a.py': '01', 'run.sh': '02:x' },
    upstream: { deps: 'k' },
  });
  assert.deepEqual(diffBreakdowns(b, structuredClone(b)), []);
});

test('files added, removed, modified, and an exec bit that changed', () => {
  const previous = breakdown({
    files: { 'keep.py': '01', 'gone.py': '02', 'edit.py': '03', 'run.sh': '04', 'x.sh': '05:x' },
  });
  const current = breakdown({
    files: { 'keep.py': '01', 'edit.py': '13', 'run.sh': '04:x', 'x.sh': '15', 'new.py': '06' },
  });
  assert.deepEqual(diffBreakdowns(previous, current), [
    { type: 'file-modified', path: 'edit.py' },
    { type: 'mode-changed', path: 'run.sh' },
    // Content and mode both changed: reported as a modification.
    { type: 'file-modified', path: 'x.sh' },
    { type: 'file-added', path: 'new.py' },
    { type: 'file-removed', path: 'gone.py' },
  ]);
});

test('settings that changed, appeared or disappeared, sorted by name', () => {
  const previous = breakdown({ config: { name: 'api', exclude: ['*.md'], network: 'host', same: [1, { a: 2 }] } });
  const current = breakdown({
    config: { name: 'api', exclude: ['*.md', '*.txt'], timestamp: 'x', same: [1, { a: 2 }] },
  });
  assert.deepEqual(diffBreakdowns(previous, current), [
    { type: 'config-changed', setting: 'exclude', from: ['*.md'], to: ['*.md', '*.txt'] },
    { type: 'config-changed', setting: 'network', from: 'host', to: null },
    { type: 'config-changed', setting: 'timestamp', from: null, to: 'x' },
  ]);
});

test('upstream keys that changed, and roles that appeared or disappeared', () => {
  const previous = breakdown({ upstream: { deps: 'k1', image: 'i1', 'layer:old': 'l1' } });
  const current = breakdown({ upstream: { deps: 'k2', image: 'i1', 'layer:new': 'l2' } });
  assert.deepEqual(diffBreakdowns(previous, current), [
    { type: 'upstream-changed', upstream: 'deps' },
    { type: 'upstream-changed', upstream: 'layer:new' },
    { type: 'upstream-changed', upstream: 'layer:old' },
  ]);
});

test('base images: one reason per base image whose ID changed, appeared or went', () => {
  const previous = breakdown({
    kind: 'image',
    config: { bases: { 'python:3.12': 'sha256:aa', 'alpine:3': 'sha256:bb', old: 'sha256:cc' } },
  });
  const current = breakdown({
    kind: 'image',
    config: { bases: { 'python:3.12': 'sha256:dd', 'alpine:3': 'sha256:bb', new: 'sha256:ee' } },
  });
  assert.deepEqual(diffBreakdowns(previous, current), [
    { type: 'base-image-changed', ref: 'new', from: null, to: 'sha256:ee' },
    { type: 'base-image-changed', ref: 'old', from: 'sha256:cc', to: null },
    { type: 'base-image-changed', ref: 'python:3.12', from: 'sha256:aa', to: 'sha256:dd' },
  ]);
  // `bases` that is not a map (or missing on one side) is compared as a plain setting.
  assert.deepEqual(diffBreakdowns(breakdown({ config: { bases: ['a'] } }), breakdown({ config: { bases: ['b'] } })), [
    { type: 'config-changed', setting: 'bases', from: ['a'], to: ['b'] },
  ]);
  assert.deepEqual(diffBreakdowns(breakdown(), breakdown({ config: { bases: { a: 'sha256:1' } } })), [
    { type: 'config-changed', setting: 'bases', from: null, to: { a: 'sha256:1' } },
  ]);
});

test('a new juni version comes first, before the other reasons', () => {
  const reasons = diffBreakdowns(
    breakdown({ files: { 'a.py': '1' } }),
    breakdown({ tool: '1.1.0', files: { 'a.py': '2' } }),
  );
  assert.deepEqual(reasons, [
    { type: 'tool-changed', from: '1.0.0', to: '1.1.0' },
    { type: 'file-modified', path: 'a.py' },
  ]);
});

test('describeReason words every reason in one line', () => {
  const cases: [ChangeReason, string][] = [
    [{ type: 'never-built' }, 'never built before'],
    [{ type: 'forced' }, '--force'],
    [{ type: 'file-added', path: 'src/a.py' }, 'added src/a.py'],
    [{ type: 'file-removed', path: 'src/a.py' }, 'removed src/a.py'],
    [{ type: 'file-modified', path: 'src/a.py' }, 'modified src/a.py'],
    [{ type: 'mode-changed', path: 'run.sh' }, 'exec bit changed on run.sh'],
    [
      { type: 'config-changed', setting: 'exclude', from: ['*.md'], to: null },
      'setting exclude changed from ["*.md"] to null',
    ],
    [
      { type: 'config-changed', setting: 'network', from: 'host', to: 'none' },
      'setting network changed from "host" to "none"',
    ],
    [{ type: 'upstream-changed', upstream: 'deps' }, 'deps changed'],
    [{ type: 'tool-changed', from: '0.1.0', to: '0.2.0' }, 'juni changed from 0.1.0 to 0.2.0'],
    [{ type: 'inputs-unknown' }, 'its previous inputs are no longer in the cache'],
  ];
  for (const [reason, text] of cases) assert.equal(describeReason(reason), text);
});

test('describeReason names upstream nodes through the given function', () => {
  const name = (role: string) => (role === 'deps' ? 'the install of requirements.txt' : `layer ${role.slice(6)}`);
  assert.equal(
    describeReason({ type: 'upstream-changed', upstream: 'deps' }, name),
    'the install of requirements.txt changed',
  );
  assert.equal(describeReason({ type: 'upstream-changed', upstream: 'layer:base' }, name), 'layer base changed');
});

test('describeReason shortens sha256 image IDs to 12 digits and words base images that came or went', () => {
  const a = `sha256:${'0123456789ab'}${'c'.repeat(52)}`;
  const b = `sha256:${'fedcba987654'}${'3'.repeat(52)}`;
  assert.equal(
    describeReason({ type: 'base-image-changed', ref: 'python:3.12', from: a, to: b }),
    'base image python:3.12: sha256:0123456789ab… -> sha256:fedcba987654…',
  );
  assert.equal(
    describeReason({ type: 'base-image-changed', ref: 'alpine', from: null, to: a }),
    'now starts from base image alpine (sha256:0123456789ab…)',
  );
  assert.equal(
    describeReason({ type: 'base-image-changed', ref: 'alpine', from: a, to: null }),
    'no longer starts from base image alpine',
  );
  // Anything that is not a long sha256 ID is shown as it is.
  assert.equal(
    describeReason({ type: 'base-image-changed', ref: 'x', from: 'sha256:abc', to: 'local-id' }),
    'base image x: sha256:abc -> local-id',
  );
});
