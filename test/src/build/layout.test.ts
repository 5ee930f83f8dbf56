// juniper's zip layout: every include form, exclusions at any depth (also inside installed
// packages), layers under python/, exec bits and fixed timestamps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { PIP_CONF, tempProject } from '../rig/project.js';
import { readZip, zipNames } from '../rig/zip.js';

test('every include form lands where juniper puts it, and exclusions apply at any depth', async (t) => {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'fatpkg\n',
    'src/handler.py': 'def handler(e, c): pass\n',
    'src/lib/util.py': 'U = 1\n',
    'src/lib/run.sh': '#!/bin/sh\necho hi\n',
    'src/lib/tests/test_util.py': 'assert True\n',
    'src/lib/deep/__pycache__/util.cpython-311.pyc': 'x',
    'src/lib/deep/mod.py': 'M = 1\n',
    'src/lib/deep/mod.pyc': 'x',
    'src/lib/features/f.feature': 'Feature: x\n',
    'src/lib/requirements.txt': 'nothing\n',
    'src/lib/setup.cfg': '[x]\n',
    'src/conf/settings.json': '{}\n',
    'manifest.yml': [
      'global: {executor: local, pipconf: ./pip.conf}',
      'functions:',
      '  api:',
      '    requirements: ./requirements.txt',
      '    include:',
      '      - ./src/handler.py',
      '      - ./src/lib/',
      '      - ./src/conf',
      '  root:',
      '    include: [./]',
      'layers:',
      '  shared:',
      '    requirements: ./requirements.txt',
      '    include: [./src/lib]',
      '',
    ].join('\n'),
  });
  p.write('src/lib/run.sh', '#!/bin/sh\necho hi\n', { exec: true });
  await p.wheel({
    name: 'fatpkg',
    files: {
      'fatpkg/__init__.py': 'F = 1\n',
      'fatpkg/tests/test_fat.py': 'x\n',
      'fatpkg/__pycache__/x.cpython-311.pyc': 'x',
      'fatpkg/setup.cfg': '[x]\n',
      'fatpkg/data/requirements.txt': 'x\n',
    },
  });
  const pip = new PipRuns(t);
  const { run, report } = await buildJson(p.dir, [], pip.env());
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(statuses(report), {
    'deps:requirements.txt': 'built',
    shared: 'built',
    api: 'built',
    root: 'built',
  });
  assert.equal(pip.count(), 1, 'the layer and the function share one install');

  const lib = ['lib/deep/mod.py', 'lib/run.sh', 'lib/util.py'];
  assert.deepEqual(zipNames(p.path('dist/api.zip')), [
    'conf/settings.json',
    'fatpkg/__init__.py',
    'handler.py',
    ...lib,
  ]);
  assert.deepEqual(zipNames(p.path('dist/shared.zip')), [
    'python/fatpkg/__init__.py',
    ...lib.map((f) => `python/${f}`),
  ]);
  // ./ is the manifest folder at the root, minus the manifest, its pip.conf, the output folder and the cache.
  assert.deepEqual(zipNames(p.path('dist/root.zip')), [
    'src/conf/settings.json',
    'src/handler.py',
    'src/lib/deep/mod.py',
    'src/lib/run.sh',
    'src/lib/util.py',
    'wheels/fatpkg-1.0-py3-none-any.whl',
  ]);
  const entries = readZip(p.path('dist/api.zip'));
  for (const e of entries) {
    assert.deepEqual(e.dateTime, [1980, 1, 1, 0, 0, 0], e.name);
    assert.equal(e.mode, e.name === 'lib/run.sh' ? 0o100755 : 0o100644, e.name);
  }
  assert.equal(entries.find((e) => e.name === 'handler.py')?.text, 'def handler(e, c): pass\n');
});

test('a function that lists a layer rebuilds when the layer changes; exclude and keep adjust the defaults', async (t) => {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'reqs.txt': 'metapkg\n',
    'fn/handler.py': 'H = 1\n',
    'fn/README.md': '# docs\n',
    'layer/lib.py': 'L = 1\n',
    'manifest.yml': [
      'global: {executor: local, pipconf: ./pip.conf}',
      'layers:',
      '  base: {include: [./layer/]}',
      'functions:',
      '  fn:',
      '    requirements: ./reqs.txt',
      '    layers: [base]',
      '    include: [./fn/]',
      '    exclude: ["*.md"]',
      '    keep: ["*.dist-info"]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'metapkg', files: { 'metapkg/__init__.py': 'import importlib.metadata\n' } });
  const pip = new PipRuns(t);
  const first = await buildJson(p.dir, [], pip.env());
  assert.equal(first.run.code, 0, first.run.stderr);
  assert.equal(pip.since(), 1);
  // keep re-admits the .dist-info (pip writes INSTALLER, REQUESTED, RECORD beside the wheel's files);
  // exclude drops README.md.
  assert.deepEqual(zipNames(p.path('dist/fn.zip')), [
    'fn/handler.py',
    'metapkg-1.0.dist-info/INSTALLER',
    'metapkg-1.0.dist-info/METADATA',
    'metapkg-1.0.dist-info/RECORD',
    'metapkg-1.0.dist-info/REQUESTED',
    'metapkg-1.0.dist-info/WHEEL',
    'metapkg/__init__.py',
  ]);
  p.write('layer/lib.py', 'L = 2\n');
  const second = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(second.report), { 'deps:reqs.txt': 'cached', base: 'built', fn: 'built' });
  assert.equal(pip.since(), 0, 'a layer edit runs no pip');
});
