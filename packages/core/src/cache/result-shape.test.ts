import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeOutputOf, parseNodeOutput } from './result-shape.js';

const sha = 'ab'.repeat(32);
const zip = { type: 'zip', sha256: sha, bytes: 10, unzippedBytes: 20, contributors: [{ name: 'lib', bytes: 5 }] };
const file = { path: 'pkg/a.py', size: 3, exec: false };
const packed = { ...file, offset: 0, compressedSize: 3, crc32: 7, method: 8 };
const pack = { type: 'pack', files: [packed], bytes: 3, pack: { sha256: sha, bytes: 40 } };
const tree = { type: 'tree', files: [file], bytes: 3 };
const image = { type: 'image', imageId: 'sha256:1', lambdaFiles: tree };

test('every output juni stores reads back as itself', () => {
  for (const output of [zip, pack, tree, image]) assert.deepEqual(parseNodeOutput(JSON.stringify(output)), output);
});

test('garbage, null and other JSON values are refused', () => {
  for (const text of ['{garbage', '', 'null', '[]', '42', '"zip"', '{}', '{"type":"other"}'])
    assert.equal(parseNodeOutput(text), undefined, text);
});

test('a known type with a wrong shape is refused', () => {
  const wrong: unknown[] = [
    { ...zip, sha256: 'not-a-hash' },
    { ...zip, sha256: '../../etc/passwd' },
    { ...zip, bytes: -1 },
    { ...zip, bytes: '10' },
    { ...zip, contributors: null },
    { ...pack, pack: null },
    { ...pack, files: [file] },
    { ...tree, files: [{ ...file, path: '../outside.py' }] },
    { ...tree, files: [{ ...file, path: '/abs.py' }] },
    { ...tree, files: [{ ...file, exec: 'no' }] },
    { ...image, imageId: '' },
    { ...image, lambdaFiles: null },
  ];
  for (const output of wrong) assert.equal(parseNodeOutput(JSON.stringify(output)), undefined, JSON.stringify(output));
});

test('a tree path with a backslash is a POSIX name and reads back; escapes are still refused', () => {
  const named = { ...tree, files: [{ ...file, path: 'pkg/odd\\name.py' }] };
  assert.deepEqual(parseNodeOutput(JSON.stringify(named)), named);
  for (const path of ['pkg/../../x.py', '..', 'a/./b', 'a//b', 'nul\0.py'])
    assert.equal(parseNodeOutput(JSON.stringify({ ...tree, files: [{ ...file, path }] })), undefined, path);
});

test('nodeOutputOf: the check a remote artifact meets too refuses paths that leave the tree and names that are not sha256', () => {
  const packOf = (path: string, sha256 = 'a'.repeat(64)) => ({
    type: 'pack',
    files: [{ path, size: 1, exec: false, offset: 0, compressedSize: 1, crc32: 0, method: 0 }],
    bytes: 1,
    pack: { sha256, bytes: 1 },
  });
  assert.ok(nodeOutputOf(packOf('pkg/x.py')));
  assert.equal(nodeOutputOf(packOf('../../etc/passwd')), undefined);
  assert.equal(nodeOutputOf(packOf('pkg/x.py', '../../x')), undefined);
  assert.equal(nodeOutputOf(undefined), undefined);
});
