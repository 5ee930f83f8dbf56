import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, loadHasher } from './xxhash.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

test('string() is xxhash64 (seed 0) as 16 hex characters', async () => {
  const hasher = await loadHasher();
  // Reference values of XXH64 with seed 0.
  assert.equal(hasher.string(''), 'ef46db3751d8e999');
  assert.equal(hasher.string('a'), 'd24ec4f1a98c6e5b');
  assert.equal(hasher.string('abc'), '44bc2cf5ad770999');
  // A hash below 2^60 keeps its leading zero.
  assert.equal(hasher.string('k20'), '004541b87408e056');
});

test('bytes() and stream() give the same hash as string() for the same UTF-8 bytes', async () => {
  const hasher = await loadHasher();
  for (const text of ['', 'k20', 'héllo wörld', 'x'.repeat(10_000)]) {
    const expected = hasher.string(text);
    assert.equal(hasher.bytes(utf8(text)), expected, text.slice(0, 20));
    const stream = hasher.stream();
    const bytes = utf8(text);
    // Uneven chunks, so chunk edges fall inside xxhash's 32-byte stripes.
    for (let at = 0; at < bytes.length; at += 37) stream.update(bytes.subarray(at, at + 37));
    assert.equal(stream.digest(), expected, text.slice(0, 20));
  }
  // Two streams at once do not share state.
  const one = hasher.stream();
  const two = hasher.stream();
  one.update(utf8('a'));
  two.update(utf8('abc'));
  assert.deepEqual([one.digest(), two.digest()], [hasher.string('a'), hasher.string('abc')]);
});

test('canonicalJson sorts object keys at every depth and keeps array order', () => {
  const a = { b: 1, a: { y: [3, 1, { z: 1, c: 2 }], x: null }, c: 'text' };
  const b = { c: 'text', a: { x: null, y: [3, 1, { c: 2, z: 1 }] }, b: 1 };
  assert.equal(canonicalJson(a), '{"a":{"x":null,"y":[3,1,{"c":2,"z":1}]},"b":1,"c":"text"}');
  assert.equal(canonicalJson(b), canonicalJson(a));
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('canonicalJson: plain JSON for scalars, and undefined properties are left out as JSON.stringify does', () => {
  assert.equal(canonicalJson('x'), '"x"');
  assert.equal(canonicalJson(3), '3');
  assert.equal(canonicalJson(null), 'null');
  assert.equal(canonicalJson({ b: undefined, a: 1 }), '{"a":1}');
  assert.equal(canonicalJson({ when: new Date(0) }), '{"when":"1970-01-01T00:00:00.000Z"}');
});

test('canonicalJson keeps a key named __proto__ (a file can be named so), and sorts it like any key', () => {
  const files = JSON.parse('{"z.py":"1","__proto__":"2"}') as unknown;
  assert.equal(canonicalJson({ files }), '{"files":{"__proto__":"2","z.py":"1"}}');
});
