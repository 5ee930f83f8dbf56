import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeGraph } from './describe.js';
import { fn, layer, manifest } from './test-manifest.js';

const graphManifest = manifest({
  python: '3.11',
  architecture: 'arm64',
  layers: [layer('base', { requirements: 'base.txt' })],
  functions: [fn('api', { layers: ['base'] }), fn('worker', { requirements: 'requirements.txt' })],
});
const defaultImage = (python: string | undefined) => `public.ecr.aws/sam/build-python${python ?? ''}`;

test('describeGraph lists every node (id, kind, name) and an edge from each upstream node', () => {
  const description = describeGraph(graphManifest, { defaultImage });
  assert.ok(description);
  const image = 'image:external:public.ecr.aws/sam/build-python3.11';
  const names = Object.fromEntries(description.nodes.map((n) => [n.id, `${n.kind} ${n.name}`]));
  const depsId = (file: string) => description.nodes.find((n) => n.kind === 'deps' && n.name === file)?.id ?? '';
  assert.deepEqual(names, {
    [image]: 'image public.ecr.aws/sam/build-python3.11',
    [depsId('base.txt')]: 'deps base.txt',
    [depsId('requirements.txt')]: 'deps requirements.txt',
    'layer:base': 'layer base',
    'function:api': 'function api',
    'function:worker': 'function worker',
  });
  const edges = description.edges.map((e) => `${e.from} -> ${e.to}`).sort();
  assert.deepEqual(
    edges,
    [
      `${image} -> ${depsId('base.txt')}`,
      `${image} -> ${depsId('requirements.txt')}`,
      `${depsId('base.txt')} -> layer:base`,
      `${image} -> layer:base`,
      `${image} -> function:api`,
      'layer:base -> function:api',
      `${depsId('requirements.txt')} -> function:worker`,
      `${image} -> function:worker`,
    ].sort(),
  );
});

test('describeGraph with a filter keeps the selection and its upstream; no match gives undefined', () => {
  const description = describeGraph(graphManifest, { defaultImage, filter: 'api' });
  assert.ok(description);
  assert.deepEqual(
    description.nodes.map((n) => n.id).filter((id) => !id.startsWith('deps:')),
    ['image:external:public.ecr.aws/sam/build-python3.11', 'layer:base', 'function:api'],
  );
  assert.ok(description.edges.every((e) => !e.to.includes('worker') && !e.from.includes('requirements.txt')));
  assert.equal(describeGraph(graphManifest, { defaultImage, filter: 'nothing' }), undefined);
});
