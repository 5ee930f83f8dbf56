import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import type { PackedTreeFile } from '../cache/node-output.js';
import { inThreadCompressor, type Compressor } from '../zip/compressor-pool.js';
import { StreamedTree, UnsafeTreePath } from './streamed-tree.js';

const dir = mkdtempSync(path.join(tmpdir(), 'juni-streamed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A compressor that counts what it is given (files sent to it, and how many bytes had arrived then). */
function counting(): { compressor: Compressor; seen: number[] } {
  const seen: number[] = [];
  const inner = inThreadCompressor(undefined);
  return { seen, compressor: { ...inner, compressBytes: (raw) => (seen.push(raw.length), inner.compressBytes(raw)) } };
}

/** A file's bytes back from the pack, as a zip copying its entry would read them. */
function unpack(packFile: string, f: PackedTreeFile): Buffer {
  const data = readFileSync(packFile).subarray(f.offset, f.offset + f.compressedSize);
  return f.method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
}

test('files in any order become a pack whose records are sorted by path, with modes and contents kept', async () => {
  const pack = path.join(dir, `pack-${n++}`);
  const { compressor, seen } = counting();
  const tree = new StreamedTree(pack, () => compressor);
  const big = Buffer.from('x = 1\n'.repeat(5000));
  await tree.file('z/last.py', big, false);
  await tree.file('bin/tool', Buffer.from('#!/bin/sh\necho hi\n'), true);
  await tree.file('a/empty.py', Buffer.alloc(0), false);
  const out = await tree.finish();
  assert.deepEqual(
    out.files.map((f) => [f.path, f.size, f.exec]),
    [
      ['a/empty.py', 0, false],
      ['bin/tool', 18, true],
      ['z/last.py', big.length, false],
    ],
  );
  assert.equal(out.bytes, big.length + 18);
  assert.deepEqual(seen, [big.length, 18, 0], 'each file compressed once, in arrival order');
  for (const f of out.files) assert.equal(f.crc32, zlib.crc32(unpack(pack, f)));
  assert.deepEqual(unpack(pack, out.files[2]!), big);
  assert.equal(out.pack.bytes, readFileSync(pack).length);
});

test('links become copies of what they point to; dangling links and loops add nothing', async () => {
  const pack = path.join(dir, `pack-${n++}`);
  const { compressor, seen } = counting();
  const tree = new StreamedTree(pack, () => compressor);
  // First: a folder link whose folder holds a link that resolves only after it.
  tree.link('view', 'lib');
  tree.link('lib/libfoo.so', 'lib/libfoo.so.1');
  tree.link('alias', 'pkg');
  tree.link('chain.so', 'lib/libfoo.so');
  tree.link('dangling', 'nowhere');
  tree.link('pkg/loop', 'pkg');
  await tree.file('lib/libfoo.so.1', Buffer.from('shared object'), false);
  await tree.file('pkg/__init__.py', Buffer.from('A = 1\n'), false);
  const out = await tree.finish();
  assert.deepEqual(
    out.files.map((f) => f.path),
    [
      'alias/__init__.py',
      'chain.so',
      'lib/libfoo.so',
      'lib/libfoo.so.1',
      'pkg/__init__.py',
      'view/libfoo.so',
      'view/libfoo.so.1',
    ],
  );
  const byPath = new Map(out.files.map((f) => [f.path, f]));
  assert.equal(byPath.get('chain.so')!.offset, byPath.get('lib/libfoo.so.1')!.offset, 'the bytes are shared');
  assert.equal(seen.length, 2, 'a link compresses nothing');
  assert.deepEqual(unpack(pack, byPath.get('alias/__init__.py')!).toString(), 'A = 1\n');
});

test('a path no folder walk could give is refused, as is the same path twice', async () => {
  const tree = new StreamedTree(path.join(dir, `pack-${n++}`), () => inThreadCompressor(undefined));
  for (const bad of ['/etc/passwd', '../up', 'a/../../b', 'a//b', '', './a'])
    await assert.rejects(tree.file(bad, Buffer.from('x'), false), UnsafeTreePath, bad);
  assert.throws(() => tree.link('../x', 'a'), UnsafeTreePath);
  await tree.file('ok.py', Buffer.from('x'), false);
  await assert.rejects(tree.file('ok.py', Buffer.from('y'), false), /twice/);
  await tree.abandon();
});

test('the compressor is chosen by the bytes that have arrived, so worker threads start only for big trees', async () => {
  const asked: number[] = [];
  const tree = new StreamedTree(path.join(dir, `pack-${n++}`), (bytes) => {
    asked.push(bytes);
    return inThreadCompressor(undefined);
  });
  await tree.file('a', Buffer.alloc(10), false);
  await tree.file('b', Buffer.alloc(20), false);
  await tree.finish();
  assert.deepEqual(asked, [10, 30]);
});
