import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph } from './build-graph.js';
import type { DepsNode } from './nodes.js';
import { selectNodes } from './select.js';
import { fn, layer, manifest } from './test-manifest.js';

/** api-users and api-admin share an install and the `common` layer; worker has its own install. */
const graph = buildGraph(
  manifest({
    layers: [layer('common', { requirements: 'common.txt' }), layer('unused')],
    functions: [
      fn('api-users', { requirements: 'requirements.txt', layers: ['common'] }),
      fn('api-admin', { requirements: 'requirements.txt', layers: ['common'] }),
      fn('worker', { requirements: 'worker.txt' }),
    ],
  }),
  { defaultImage: () => 'python:3.12' },
);

const idsOf = (result: ReturnType<typeof selectNodes>) => (result.ok ? result.graph.nodes.map((n) => n.id) : []);

test('without a filter the graph is returned as it is', () => {
  const result = selectNodes(graph, undefined);
  assert.equal(result.ok && result.graph, graph);
});

test('a partial name selects every matching entry with its layers, installs and images', () => {
  const result = selectNodes(graph, 'api');
  const ids = idsOf(result);
  assert.deepEqual(
    ids.filter((id) => !id.startsWith('deps:')),
    ['image:external:python:3.12', 'layer:common', 'function:api-admin', 'function:api-users'],
  );
  // The install of requirements.txt and the layer's install of common.txt, not worker.txt's.
  const deps = result.ok ? result.graph.nodes.filter((n): n is DepsNode => n.kind === 'deps') : [];
  assert.deepEqual(deps.map((d) => d.name).sort(), ['common.txt', 'requirements.txt']);
  assert.ok(result.ok && [...result.graph.byId.keys()].every((id) => ids.includes(id)));
});

test('a selected shared install lists only the selected users', () => {
  const result = selectNodes(graph, 'api-users');
  assert.ok(result.ok);
  const install = result.graph.nodes.find((n) => n.kind === 'deps' && n.name === 'requirements.txt') as DepsNode;
  assert.deepEqual(install.users, ['function:api-users']);
  // The full graph is not changed.
  const full = graph.nodes.find((n) => n.kind === 'deps' && n.name === 'requirements.txt') as DepsNode;
  assert.deepEqual(full.users, ['function:api-admin', 'function:api-users']);
});

test('matching a layer selects the layer, not the functions that use it', () => {
  assert.deepEqual(idsOf(selectNodes(graph, 'comm')), [
    'image:external:python:3.12',
    graph.nodes.find((n) => n.kind === 'deps' && n.name === 'common.txt')?.id,
    'layer:common',
  ]);
});

test('no match gives the filter and every function and layer name', () => {
  assert.deepEqual(selectNodes(graph, 'API'), {
    ok: false,
    reason: 'no-match',
    filter: 'API',
    names: ['common', 'unused', 'api-admin', 'api-users', 'worker'],
  });
  // Only function and layer names are matched, not the names of installs or images.
  assert.equal(selectNodes(graph, 'requirements').ok, false);
  assert.equal(selectNodes(graph, 'python').ok, false);
});
