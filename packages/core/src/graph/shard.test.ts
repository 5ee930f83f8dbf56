import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageSpec } from '../manifest/types.js';
import { buildGraph } from './build-graph.js';
import { upstreamOf, type BuildGraph } from './nodes.js';
import { parseShard, shardGraph } from './shard.js';
import { fn, layer, manifest } from './test-manifest.js';

const img: ImageSpec = {
  name: 'img',
  dockerfile: '/proj/Dockerfile',
  context: '/proj',
  args: {},
  target: undefined,
  tag: undefined,
};

/**
 * Groups that must stay together: {a, b} (one install), {L, c, d} (one layer), {g, h} (one built
 * image); e and f only share the external default image, which ties nothing.
 */
const graph = buildGraph(
  manifest({
    images: [img],
    layers: [layer('L')],
    functions: [
      fn('a', { requirements: 'requirements.txt' }),
      fn('b', { requirements: 'requirements.txt' }),
      fn('c', { layers: ['L'] }),
      fn('d', { layers: ['L'] }),
      fn('e'),
      fn('f'),
      fn('g', { settings: { image: 'img' } }),
      fn('h', { settings: { image: 'img' } }),
    ],
  }),
  { defaultImage: () => 'python:3.12' },
);

const entries = (g: BuildGraph) =>
  g.nodes.filter((n) => n.kind === 'function' || n.kind === 'layer').map((n) => n.name);

test('parseShard reads I/N, 1-based, with 1 <= I <= N', () => {
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  assert.deepEqual(parseShard(' 2/3 '), { index: 2, count: 3 });
  assert.deepEqual(parseShard('10/12'), { index: 10, count: 12 });
  for (const bad of ['0/3', '4/3', '0/0', '1/0', '3', '/3', '1/', '-1/3', '1.5/3', '1 / 3', 'a/b', '']) {
    assert.equal(parseShard(bad), undefined, `'${bad}' is not a shard`);
  }
});

test('every entry is built by exactly one shard, for any number of shards', () => {
  for (let count = 1; count <= 10; count++) {
    const seen: string[] = [];
    for (let index = 1; index <= count; index++) seen.push(...entries(shardGraph(graph, { index, count })));
    assert.deepEqual(seen.sort(), entries(graph).sort(), `${count} shards`);
  }
});

test('a shard holds everything its entries wait for, and byId matches its nodes', () => {
  for (let index = 1; index <= 3; index++) {
    const shard = shardGraph(graph, { index, count: 3 });
    for (const node of shard.nodes) {
      for (const up of upstreamOf(node)) assert.ok(shard.byId.has(up), `shard ${index}: ${node.id} needs ${up}`);
    }
    assert.deepEqual(
      [...shard.byId.keys()],
      shard.nodes.map((n) => n.id),
    );
  }
});

test('entries sharing an install, a layer or a built image stay together; an external image ties nothing', () => {
  const together = [
    ['a', 'b'],
    ['L', 'c', 'd'],
    ['g', 'h'],
  ];
  for (let count = 2; count <= 5; count++) {
    for (let index = 1; index <= count; index++) {
      const names = new Set(entries(shardGraph(graph, { index, count })));
      for (const group of together) {
        const inShard = group.filter((n) => names.has(n));
        assert.ok(
          inShard.length === 0 || inShard.length === group.length,
          `${group.join(',')} split ${index}/${count}`,
        );
      }
    }
  }
  // Five groups over five shards: e and f, which only share python:3.12, land in different shards.
  const shardOf = (name: string) =>
    [1, 2, 3, 4, 5].find((index) => entries(shardGraph(graph, { index, count: 5 })).includes(name));
  assert.notEqual(shardOf('e'), shardOf('f'));
});

test('groups are spread biggest first to the least loaded shard, the same way every time', () => {
  const first = entries(shardGraph(graph, { index: 1, count: 2 }));
  const second = entries(shardGraph(graph, { index: 2, count: 2 }));
  assert.deepEqual(first, ['L', 'c', 'd', 'e', 'f']);
  assert.deepEqual(second, ['a', 'b', 'g', 'h']);
  assert.deepEqual(shardGraph(graph, { index: 1, count: 2 }), shardGraph(graph, { index: 1, count: 2 }));
  // One shard is the whole graph.
  assert.equal(shardGraph(graph, { index: 1, count: 1 }), graph);
});

test('more shards than groups leaves some shards empty', () => {
  const sizes = Array.from({ length: 8 }, (_, i) => shardGraph(graph, { index: i + 1, count: 8 }).nodes.length);
  assert.deepEqual(sizes.slice(5), [0, 0, 0]);
  assert.ok(sizes.slice(0, 5).every((n) => n > 0));
});

test('with checks, each check goes with its function; a runtime image built for checks ties nothing', () => {
  const checked = buildGraph(
    manifest({
      images: [img],
      functions: ['p', 'q', 'r', 's'].map((n) => fn(n, { runtimeImage: 'img' })),
    }),
    { defaultImage: () => 'ext', checks: { mode: 'check', runtimeImage: () => 'lambda' } },
  );
  const shards = [1, 2].map((index) => shardGraph(checked, { index, count: 2 }));
  for (const s of shards) {
    const fns = s.nodes.filter((n) => n.kind === 'function').map((n) => n.name);
    assert.equal(fns.length, 2, 'the functions are split, not tied by their shared runtime image');
    assert.deepEqual(
      s.nodes.filter((n) => n.kind === 'check').map((n) => n.name),
      fns,
    );
    assert.ok(s.byId.has('image:img'), 'each job builds the runtime image its checks need');
  }
});
