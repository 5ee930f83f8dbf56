// What is stored is what was keyed: a file edited while its zip is written, or a requirements
// file swapped while pip runs, never leaves a wrong result under the old key. Edits are made at
// a known moment by a sitecustomize hook that runs inside the real pip, which also counts pip runs.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject, PIP_CONF, tempProject } from '../rig/project.js';
import { readZip, zipNames } from '../rig/zip.js';

test('a same-size edit of an included file while the build runs stores nothing under the old key', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const original = p.read('src/api/handler.py');
  const edited = original.replace('"api"', '"API"');
  assert.equal(edited.length, original.length);
  // The edit lands while pip runs, after the plan hashed the file and before api.zip is written.
  const first = await buildJson(p.dir, [], pip.env({}, { [p.path('src/api/handler.py')]: edited }));
  assert.equal(first.run.code, 1, first.run.stderr);
  const api = first.report.nodes.find((n) => n.name === 'api')!;
  assert.equal(api.failure?.reason, 'input-changed');
  assert.match(api.failure?.message ?? '', /handler\.py changed while it was being zipped.*nothing was stored/);
  assert.equal(statuses(first.report).worker, 'built');

  p.write('src/api/handler.py', original);
  const second = await buildJson(p.dir, [], pip.env());
  assert.equal(second.run.code, 0, second.run.stderr);
  assert.equal(statuses(second.report).api, 'built', 'no result was stored for the old content');
  assert.equal(readZip(p.path('dist/api.zip')).find((e) => e.name === 'handler.py')?.text, original);
  assert.equal(pip.count(), 1, 'the install of the first build is reused');
});

test(
  'a requirements file swapped while pip runs: pip installs what the key says, ' +
    'and the old content is served right',
  async (t) => {
    const p = tempProject(t, {
      'pip.conf': PIP_CONF,
      'requirements.txt': 'alpha\n',
      'src/handler.py': 'H = 1\n',
      'manifest.yml': [
        'global: {executor: local, pipconf: ./pip.conf}',
        'functions:',
        '  fn:',
        '    requirements: ./requirements.txt',
        "    include: ['./src/handler.py']",
        '',
      ].join('\n'),
    });
    await p.wheel({ name: 'alpha', files: { 'alpha/__init__.py': 'A = 1\n' } });
    await p.wheel({ name: 'gamma', files: { 'gamma/__init__.py': 'G = 1\n' } });
    const pip = new PipRuns(t);
    const first = await buildJson(p.dir, [], pip.env({}, { [p.path('requirements.txt')]: 'gamma\n' }));
    assert.equal(first.run.code, 0, first.run.stderr);
    assert.deepEqual(
      zipNames(p.path('dist/fn.zip')),
      ['alpha/__init__.py', 'handler.py'],
      'pip read the snapshot the key was computed from',
    );
    assert.equal(p.read('requirements.txt'), 'gamma\n', 'the swap really happened');

    p.write('requirements.txt', 'alpha\n');
    const second = await buildJson(p.dir, [], pip.env());
    assert.deepEqual(statuses(second.report), { 'deps:requirements.txt': 'cached', fn: 'cached' });
    assert.deepEqual(zipNames(p.path('dist/fn.zip')), ['alpha/__init__.py', 'handler.py']);
    assert.equal(pip.count(), 1);

    p.write('requirements.txt', 'gamma\n');
    const third = await buildJson(p.dir, [], pip.env());
    assert.equal(statuses(third.report)['deps:requirements.txt'], 'built');
    assert.deepEqual(zipNames(p.path('dist/fn.zip')), ['gamma/__init__.py', 'handler.py']);
    assert.equal(pip.count(), 2);
  },
);

test(
  'requirements that reference others (-r, an absolute -r, find-links beside the file) ' +
    'install from the snapshot as from the originals',
  async (t) => {
    const p = tempProject(t, {
      'reqs/pip.conf': '[global]\nno-index = true\n',
      'reqs/base.txt': 'alpha\n',
      'reqs/top.txt': '-r base.txt\n--find-links ./wheels\ngamma\n',
      'src/handler.py': 'H = 1\n',
      'manifest.yml': [
        'global: {executor: local, pipconf: ./reqs/pip.conf}',
        'functions:',
        '  fn:',
        '    requirements: ./reqs/top.txt',
        "    include: ['./src/handler.py']",
        '',
      ].join('\n'),
    });
    p.write('reqs/top.txt', `-r base.txt\n-r ${p.path('reqs/extra.txt')}\n--find-links ./wheels\ngamma\n`);
    p.write('reqs/extra.txt', 'beta\n');
    for (const name of ['alpha', 'beta', 'gamma'])
      await p.wheel({ name, files: { [`${name}/__init__.py`]: 'X = 1\n' } });
    // find-links ./wheels is relative to reqs/top.txt, where pip looks first.
    renameSync(p.path('wheels'), p.path('reqs/wheels'));
    const { run } = await buildJson(p.dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(zipNames(p.path('dist/fn.zip')), [
      'alpha/__init__.py',
      'beta/__init__.py',
      'gamma/__init__.py',
      'handler.py',
    ]);
  },
);
