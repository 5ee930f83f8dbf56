import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manifest } from '../manifest/types.js';
import { buildGraph } from './build-graph.js';
import { DIR, fn, image, layer, manifest } from './test-manifest.js';
import {
  upstreamOf,
  type BuildGraph,
  type CheckNode,
  type DepsNode,
  type FunctionNode,
  type ImageNode,
} from './nodes.js';
import { selectNodes, withUpstream } from './select.js';

const defaultImage = (python: string | undefined) => `sam-build:${python ?? 'default'}`;
const graphOf = (m: Manifest) => buildGraph(m, { defaultImage });
const ofKind = <K extends string>(graph: BuildGraph, kind: K) => graph.nodes.filter((n) => n.kind === kind);

function get<T>(graph: BuildGraph, id: string): T {
  const node = graph.byId.get(id);
  assert.ok(node, `no node ${id}`);
  return node as T;
}

test('two entries with the same requirements file and settings share one install', () => {
  const graph = graphOf(
    manifest({
      functions: [fn('b', { requirements: 'requirements.txt' }), fn('a', { requirements: 'requirements.txt' })],
      layers: [layer('libs', { requirements: 'requirements.txt' })],
    }),
  );
  const deps = ofKind(graph, 'deps') as DepsNode[];
  assert.equal(deps.length, 1);
  const install = deps[0]!;
  assert.equal(install.name, 'requirements.txt');
  assert.equal(install.requirements, `${DIR}/requirements.txt`);
  // Layers are listed before functions, each sorted by name.
  assert.deepEqual(install.users, ['layer:libs', 'function:a', 'function:b']);
  for (const id of ['function:a', 'function:b', 'layer:libs']) {
    assert.equal(get<FunctionNode>(graph, id).depsId, install.id);
  }
});

test('other install settings give separate installs, named after their first user', () => {
  const graph = graphOf(
    manifest({
      functions: [
        fn('api', { requirements: 'requirements.txt' }),
        fn('job', { requirements: 'requirements.txt', settings: { executor: 'local' } }),
        fn('net', { requirements: 'requirements.txt', settings: { network: 'host' } }),
        fn('solo', { requirements: 'other/requirements.txt' }),
      ],
    }),
  );
  const deps = ofKind(graph, 'deps') as DepsNode[];
  assert.deepEqual(deps.map((d) => d.name).sort(), [
    'other/requirements.txt',
    'requirements.txt (api)',
    'requirements.txt (job)',
    'requirements.txt (net)',
  ]);
  assert.equal(new Set(deps.map((d) => d.id)).size, 4);
  const local = deps.find((d) => d.users.includes('function:job'));
  assert.equal(local?.settings.executor, 'local');
  assert.equal(local?.settings.imageId, undefined);
});

test('docker entries get an image edge: a built image by name or tag, else the default or named external image', () => {
  const graph = graphOf(
    manifest({
      python: '3.11',
      images: [image('builder', 'acme/builder:1')],
      layers: [layer('by-tag', { settings: { image: 'acme/builder:1' } })],
      functions: [
        fn('by-name', { requirements: 'requirements.txt', settings: { image: 'builder' } }),
        fn('plain'),
        fn('pinned', { settings: { image: 'python:3.11' } }),
        fn('local', { settings: { executor: 'local' } }),
      ],
    }),
  );
  const images = ofKind(graph, 'image') as ImageNode[];
  assert.deepEqual(images.map((i) => i.id).sort(), [
    'image:builder',
    'image:external:python:3.11',
    'image:external:sam-build:3.11',
  ]);
  const built = get<ImageNode>(graph, 'image:builder');
  assert.equal(built.source.type, 'dockerfile');
  assert.deepEqual(built.users, ['layer by-tag', 'function by-name']);
  assert.deepEqual(get<ImageNode>(graph, 'image:external:sam-build:3.11').source, {
    type: 'external',
    ref: 'sam-build:3.11',
  });
  assert.equal(get<FunctionNode>(graph, 'function:plain').imageId, 'image:external:sam-build:3.11');
  assert.equal(get<FunctionNode>(graph, 'function:local').imageId, undefined);
  // The install runs in the entry's image.
  const [install] = ofKind(graph, 'deps') as DepsNode[];
  assert.ok(install);
  assert.equal(install.settings.imageId, 'image:builder');
  assert.deepEqual(upstreamOf(install), ['image:builder']);
});

test('a function waits for its install, its image and each of its layers', () => {
  const graph = graphOf(
    manifest({
      layers: [layer('base', { requirements: 'base.txt' }), layer('extra')],
      functions: [fn('api', { requirements: 'requirements.txt', layers: ['extra', 'base'] })],
    }),
  );
  const api = get<FunctionNode>(graph, 'function:api');
  assert.deepEqual(api.layerIds, ['layer:extra', 'layer:base']);
  assert.deepEqual(upstreamOf(api), [api.depsId, 'image:external:sam-build:default', 'layer:extra', 'layer:base']);
  assert.deepEqual(upstreamOf(get(graph, 'layer:extra')), ['image:external:sam-build:default']);
});

test('nodes come in topological order, and byId holds every node', () => {
  const graph = graphOf(
    manifest({
      images: [image('z-img')],
      layers: [layer('base', { requirements: 'r.txt', settings: { image: 'z-img' } })],
      functions: [fn('b', { layers: ['base'] }), fn('a', { requirements: 'r.txt', layers: ['base'] })],
    }),
  );
  assert.deepEqual(
    graph.nodes.map((n) => n.kind),
    ['image', 'image', 'deps', 'deps', 'layer', 'function', 'function'],
  );
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    for (const up of upstreamOf(node)) assert.ok(seen.has(up), `${node.id} comes before ${up}`);
    seen.add(node.id);
  }
  assert.deepEqual(
    [...graph.byId.keys()],
    graph.nodes.map((n) => n.id),
  );
});

test('checks: one per function after its zip and layers; a runtime image from images: is an edge, any other a reference', () => {
  const runtimeImage = (python: string | undefined) => `lambda-base:${python ?? 'default'}`;
  const m = manifest({
    functions: [fn('api', { layers: ['libs'] }), fn('job', { runtimeImage: 'runtime' })],
    layers: [layer('libs')],
    images: [image('runtime')],
  });
  const graph = buildGraph(m, { defaultImage, checks: { mode: 'check', runtimeImage } });
  const api = get<CheckNode>(graph, 'check:api');
  assert.deepEqual(upstreamOf(api), ['function:api', 'layer:libs']);
  assert.deepEqual(api.runtime, { type: 'external', ref: 'lambda-base:default' });
  const job = get<CheckNode>(graph, 'check:job');
  assert.deepEqual(upstreamOf(job), ['function:job', 'image:runtime']);
  assert.deepEqual(get<ImageNode>(graph, 'image:runtime').users, ['check job']);
  // Topological: every check after what it waits for.
  const order = graph.nodes.map((n) => n.id);
  for (const check of [api, job])
    for (const up of upstreamOf(check)) assert.ok(order.indexOf(up) < order.indexOf(check.id));
  // Without checks, no check nodes and no runtime image node.
  assert.deepEqual(ofKind(graphOf(m), 'check'), []);
  assert.equal(graphOf(m).byId.has('image:runtime'), false);

  // -f selects a function with its check; an invoke is one function's.
  const selected = selectNodes(graph, 'job');
  assert.ok(selected.ok);
  assert.deepEqual(
    selected.graph.nodes.map((n) => n.id).sort(),
    ['check:job', 'function:job', 'image:runtime', 'image:external:sam-build:default'].sort(),
  );
  const invoke = buildGraph(m, { defaultImage, checks: { mode: 'invoke', runtimeImage, name: 'api', event: '{}' } });
  assert.deepEqual(
    ofKind(invoke, 'check').map((n) => n.id),
    ['check:api'],
  );
  assert.equal(get<CheckNode>(invoke, 'check:api').event, '{}');
  assert.deepEqual(
    withUpstream(invoke, ['check:api'])
      .nodes.map((n) => n.id)
      .sort(),
    ['check:api', 'function:api', 'image:external:sam-build:default', 'layer:libs'].sort(),
  );
});
