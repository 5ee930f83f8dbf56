import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactCredentials, redactDeep } from './redact.js';

test('credentials in URLs become ***, the rest of the text stays', () => {
  assert.equal(
    redactCredentials('GET https://ci:s3cret@cache.example.test:8443/v8 failed'),
    'GET https://***@cache.example.test:8443/v8 failed',
  );
  assert.equal(
    redactCredentials('index http://TOKEN@127.0.0.1/simple and git+https://u:p@h/r.git'),
    'index http://***@127.0.0.1/simple and git+https://***@h/r.git',
  );
  assert.equal(
    redactCredentials('mail me at a@b.c, see https://127.0.0.1/x'),
    'mail me at a@b.c, see https://127.0.0.1/x',
  );
});

test('redactDeep reaches strings in nested events', () => {
  const event = { type: 'warning', lines: ['http://a:b@h/'], n: 3, nested: { url: 'https://x@h' } };
  assert.deepEqual(redactDeep(event), {
    type: 'warning',
    lines: ['http://***@h/'],
    n: 3,
    nested: { url: 'https://***@h' },
  });
});
