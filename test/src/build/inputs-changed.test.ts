// What is stored is what was keyed: a file edited while its zip is written, or a requirements
// file swapped while pip runs, never leaves a wrong result under the old key. Edits are made at
// a known moment by a sitecustomize hook that runs inside the real pip, which also counts pip runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { standardProject, PIP_CONF, tempProject } from '../rig/project.js';
import { readZip, zipNames } from '../rig/zip.js';

const HOOK = `
import json, os, sys
if sys.argv[:1] == ['-m'] and 'install' in sys.argv and '--target' in sys.argv:
    with open(os.environ['JUNI_TEST_PIP_LOG'], 'a') as log:
        log.write(' '.join(sys.argv) + '\\n')
    for file, text in json.loads(os.environ.get('JUNI_TEST_EDITS', '{}')).items():
        with open(file, 'w') as f:
            f.write(text)
`;

/** Environment that runs the hook in every Python juni starts; `pipRuns()` counts installs. */
function pipHook(t: TestContext): {
  env: (edits?: Record<string, string>) => NodeJS.ProcessEnv;
  pipRuns: () => number;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-hook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'sitecustomize.py'), HOOK);
  const log = path.join(dir, 'pip.log');
  writeFileSync(log, '');
  return {
    env: (edits = {}) => ({ PYTHONPATH: dir, JUNI_TEST_PIP_LOG: log, JUNI_TEST_EDITS: JSON.stringify(edits) }),
    pipRuns: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length,
  };
}

test('a same-size edit of an included file while the build runs stores nothing under the old key', async (t) => {
  const p = await standardProject(t);
  const hook = pipHook(t);
  const original = p.read('src/api/handler.py');
  const edited = original.replace('"api"', '"API"');
  assert.equal(edited.length, original.length);
  // The edit lands while pip runs, after the plan hashed the file and before api.zip is written.
  const first = await buildJson(p.dir, [], hook.env({ [p.path('src/api/handler.py')]: edited }));
  assert.equal(first.run.code, 1, first.run.stderr);
  const api = first.report.nodes.find((n) => n.name === 'api')!;
  assert.equal(api.failure?.reason, 'input-changed');
  assert.match(api.failure?.message ?? '', /handler\.py changed while it was being zipped.*nothing was stored/);
  assert.equal(statuses(first.report).worker, 'built');

  p.write('src/api/handler.py', original);
  const second = await buildJson(p.dir, [], hook.env());
  assert.equal(second.run.code, 0, second.run.stderr);
  assert.equal(statuses(second.report).api, 'built', 'no result was stored for the old content');
  assert.equal(readZip(p.path('dist/api.zip')).find((e) => e.name === 'handler.py')?.text, original);
  assert.equal(hook.pipRuns(), 1, 'the install of the first build is reused');
});

test('a requirements file swapped while pip runs: pip installs what the key says, and the old content is served right', async (t) => {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'alpha\n',
    'src/handler.py': 'H = 1\n',
    'manifest.yml':
      "global: {executor: local, pipconf: ./pip.conf}\nfunctions:\n  fn:\n    requirements: ./requirements.txt\n    include: ['./src/handler.py']\n",
  });
  await p.wheel({ name: 'alpha', files: { 'alpha/__init__.py': 'A = 1\n' } });
  await p.wheel({ name: 'gamma', files: { 'gamma/__init__.py': 'G = 1\n' } });
  const hook = pipHook(t);
  const first = await buildJson(p.dir, [], hook.env({ [p.path('requirements.txt')]: 'gamma\n' }));
  assert.equal(first.run.code, 0, first.run.stderr);
  assert.deepEqual(
    zipNames(p.path('dist/fn.zip')),
    ['alpha/__init__.py', 'handler.py'],
    'pip read the snapshot the key was computed from',
  );
  assert.equal(p.read('requirements.txt'), 'gamma\n', 'the swap really happened');

  p.write('requirements.txt', 'alpha\n');
  const second = await buildJson(p.dir, [], hook.env());
  assert.deepEqual(statuses(second.report), { 'deps:requirements.txt': 'cached', fn: 'cached' });
  assert.deepEqual(zipNames(p.path('dist/fn.zip')), ['alpha/__init__.py', 'handler.py']);
  assert.equal(hook.pipRuns(), 1);

  p.write('requirements.txt', 'gamma\n');
  const third = await buildJson(p.dir, [], hook.env());
  assert.equal(statuses(third.report)['deps:requirements.txt'], 'built');
  assert.deepEqual(zipNames(p.path('dist/fn.zip')), ['gamma/__init__.py', 'handler.py']);
  assert.equal(hook.pipRuns(), 2);
});

test('requirements that reference others (-r, an absolute -r, find-links beside the file) install from the snapshot as from the originals', async (t) => {
  const p = tempProject(t, {
    'reqs/pip.conf': '[global]\nno-index = true\n',
    'reqs/base.txt': 'alpha\n',
    'reqs/top.txt': '-r base.txt\n--find-links ./wheels\ngamma\n',
    'src/handler.py': 'H = 1\n',
    'manifest.yml':
      "global: {executor: local, pipconf: ./reqs/pip.conf}\nfunctions:\n  fn:\n    requirements: ./reqs/top.txt\n    include: ['./src/handler.py']\n",
  });
  p.write('reqs/top.txt', `-r base.txt\n-r ${p.path('reqs/extra.txt')}\n--find-links ./wheels\ngamma\n`);
  p.write('reqs/extra.txt', 'beta\n');
  for (const name of ['alpha', 'beta', 'gamma']) await p.wheel({ name, files: { [`${name}/__init__.py`]: 'X = 1\n' } });
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
});
