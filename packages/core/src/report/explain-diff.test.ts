import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyBreakdown } from '../plan/node-key.js';
import { diffBreakdowns } from './explain-diff.js';

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

test('files named like Object properties (constructor, __proto__) are files like any other', () => {
  // As stored breakdowns are read back: JSON.parse makes `__proto__` an own key.
  const previous = JSON.parse(
    '{"tool":"1.0.0","kind":"function","config":{},"upstream":{},"files":{"__proto__":"01"}}',
  ) as KeyBreakdown;
  const current = breakdown({ files: JSON.parse('{"constructor":"02","__proto__":"03"}') as Record<string, string> });
  assert.deepEqual(diffBreakdowns(previous, current), [
    { type: 'file-added', path: 'constructor' },
    { type: 'file-modified', path: '__proto__' },
  ]);
});
