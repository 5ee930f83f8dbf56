import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean } from './did-you-mean.js';

test('suggests the closest known key', () => {
  assert.equal(didYouMean('includes', ['requirements', 'include', 'image']), 'include');
  assert.equal(didYouMean('requirments', ['requirements', 'include']), 'requirements');
  assert.equal(didYouMean('Layers', ['layers', 'include']), 'layers');
});

test('suggests nothing for an unrelated word', () => {
  assert.equal(didYouMean('zzzzzz', ['requirements', 'include']), undefined);
});
