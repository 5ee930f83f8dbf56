// Only what changed rebuilds: proven by statuses, by zip mtimes and bytes, and by counting the
// real pip runs (not juni's word for them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';
import { sha256, zipNames } from '../rig/zip.js';

test('a no-op build reports every node cached and rewrites no zip', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  assert.equal((await buildJson(p.dir, [], pip.env())).run.code, 0);
  assert.equal(pip.since(), 1, 'the first build installs');
  const before = [p.mtime('dist/api.zip'), p.mtime('dist/worker.zip')];
  const { report } = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'cached' });
  assert.ok(report.nodes.every((n) => n.cache === 'local'));
  assert.deepEqual([p.mtime('dist/api.zip'), p.mtime('dist/worker.zip')], before);
  assert.equal(pip.since(), 0, 'the no-op build ran no pip');
});

test('editing one included file rebuilds only the function that includes it', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  const workerTime = p.mtime('dist/worker.zip');
  p.write('src/api/handler.py', 'def handler(event, context):\n    return "changed"\n');
  const { report } = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.equal(p.mtime('dist/worker.zip'), workerTime);
  assert.equal(pip.since(), 0, 'a handler edit runs no pip');
});

test('editing a shared requirements file rebuilds all its users with one install', async (t) => {
  const p = await standardProject(
    t,
    [
      'global: {executor: local, pipconf: ./pip.conf}',
      'functions:',
      ...['a', 'b', 'c'].flatMap((n) => [
        `  ${n}:`,
        '    requirements: ./requirements.txt',
        `    include: [./src/api/handler.py]`,
      ]),
      '  other:',
      '    include: [./src/worker/]',
      '',
    ].join('\n'),
  );
  const pip = new PipRuns(t);
  const first = await buildJson(p.dir, [], pip.env());
  assert.equal(first.report.nodes.filter((n) => n.kind === 'deps').length, 1, 'three users, one install');
  assert.equal(pip.since(), 1, 'three users, one pip run');
  const before = ['a', 'b', 'c'].map((n) => sha256(p.path('dist', `${n}.zip`)));
  // The edit changes what is installed, so the users' zips really change. (An edit that installs
  // the same packages, such as naming tinycore too, rebuilds them into the same bytes.)
  await p.wheel({ name: 'tinyextra', files: { 'tinyextra/__init__.py': 'EXTRA = 1\n' } });
  p.write('requirements.txt', 'tinyhttp\ntinyextra\n');
  const { report } = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(report), {
    'deps:requirements.txt': 'built',
    a: 'built',
    b: 'built',
    c: 'built',
    other: 'cached',
  });
  assert.equal(pip.since(), 1, 'one pip run for three users');
  ['a', 'b', 'c'].forEach((n, i) => {
    assert.notEqual(sha256(p.path('dist', `${n}.zip`)), before[i], `${n}.zip was rewritten with new bytes`);
    assert.ok(zipNames(p.path('dist', `${n}.zip`)).includes('tinyextra/__init__.py'), n);
  });
});

test('two requirements files with the same content share one install', async (t) => {
  const p = await standardProject(
    t,
    [
      'global: {executor: local, pipconf: ./pip.conf}',
      'functions:',
      '  a: {requirements: ./requirements.txt, include: [./src/api/]}',
      '  b: {requirements: ./copy/requirements.txt, include: [./src/worker/]}',
      '',
    ].join('\n'),
  );
  p.write('copy/requirements.txt', p.read('requirements.txt'));
  const pip = new PipRuns(t);
  const { report } = await buildJson(p.dir, [], pip.env());
  assert.equal(report.nodes.filter((n) => n.kind === 'deps').length, 1);
  assert.equal(report.summary.built, 3);
  assert.equal(pip.count(), 1, 'pip ran once for both files');
});

test('a manifest edit of one entry rebuilds only that entry', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  p.write(
    'manifest.yml',
    p
      .read('manifest.yml')
      .replace('      - ./src/worker/handler.py\n', '      - ./src/worker/handler.py\n      - ./src/lib/util.py\n'),
  );
  const { report } = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'built' });
  assert.equal(pip.since(), 0, 'the install was reused');
});

test('--force rebuilds everything; -f builds the partial matches with their installs; removed entries lose their zips', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  const forced = await buildJson(p.dir, ['--force'], pip.env());
  assert.deepEqual(statuses(forced.report), { 'deps:requirements.txt': 'built', api: 'built', worker: 'built' });
  assert.equal(pip.since(), 1, '--force runs pip again');
  const only = await buildJson(p.dir, ['-f', 'wor'], pip.env());
  assert.deepEqual(statuses(only.report), { 'deps:requirements.txt': 'cached', worker: 'cached' });
  assert.equal(pip.since(), 0);
  assert.equal(p.mtime('dist/worker.zip') > 0, true);
  // juniper semantics: without --skip-clean the output folder holds only this run's zips.
  assert.throws(() => p.mtime('dist/api.zip'));
  p.write('dist/keep-me.txt', 'mine');
  await buildJson(p.dir, ['--skip-clean', '-f', 'api'], pip.env());
  assert.equal(p.read('dist/keep-me.txt'), 'mine');
  assert.ok(p.mtime('dist/worker.zip') > 0);
  p.write('manifest.yml', p.read('manifest.yml').replace(/  worker:[\s\S]*$/, ''));
  const after = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(after.report), { 'deps:requirements.txt': 'cached', api: 'cached' });
  assert.equal(pip.since(), 0);
  assert.throws(() => p.mtime('dist/worker.zip'));
  // Only zips juni placed are ever cleaned: the user's file stays.
  assert.equal(p.read('dist/keep-me.txt'), 'mine');
});

test('JUNI_CACHE_DIR puts the cache elsewhere', async (t) => {
  const p = await standardProject(t);
  const cache = p.path('..', `${p.dir.split('/').pop()}-cache`);
  t.after(async () => (await import('node:fs')).rmSync(cache, { recursive: true, force: true }));
  const pip = new PipRuns(t);
  const { run } = await buildJson(p.dir, [], pip.env({ JUNI_CACHE_DIR: cache }));
  assert.equal(run.code, 0, run.stderr);
  assert.throws(() => p.mtime('.juni/cache.db'));
  assert.equal(pip.since(), 1);
  const again = await buildJson(p.dir, [], pip.env({ JUNI_CACHE_DIR: cache }));
  assert.equal(again.report.summary.cached, 3);
  assert.equal(pip.since(), 0, 'the install is found in JUNI_CACHE_DIR');
});
