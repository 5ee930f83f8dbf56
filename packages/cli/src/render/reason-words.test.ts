import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeReason } from '@juni/core';
import { describeReason } from './reason-words.js';

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
