// Only what changed rebuilds: proven by counting statuses and by zip mtimes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { standardProject } from '../rig/project.js';

test('a no-op build reports every node cached and rewrites no zip', async (t) => {
  const p = await standardProject(t);
  assert.equal((await buildJson(p.dir)).run.code, 0);
  const before = [p.mtime('dist/api.zip'), p.mtime('dist/worker.zip')];
  const { report } = await buildJson(p.dir);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'cached' });
  assert.ok(report.nodes.every((n) => n.cache === 'local'));
  assert.deepEqual([p.mtime('dist/api.zip'), p.mtime('dist/worker.zip')], before);
});

test('editing one included file rebuilds only the function that includes it', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  const workerTime = p.mtime('dist/worker.zip');
  p.write('src/api/handler.py', 'def handler(event, context):\n    return "changed"\n');
  const { report } = await buildJson(p.dir);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.equal(p.mtime('dist/worker.zip'), workerTime);
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
  const first = await buildJson(p.dir);
  assert.equal(first.report.nodes.filter((n) => n.kind === 'deps').length, 1, 'three users, one install');
  p.write('requirements.txt', 'tinyhttp\ntinycore\n');
  const { report } = await buildJson(p.dir);
  assert.deepEqual(statuses(report), {
    'deps:requirements.txt': 'built',
    a: 'built',
    b: 'built',
    c: 'built',
    other: 'cached',
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
  const { report } = await buildJson(p.dir);
  assert.equal(report.nodes.filter((n) => n.kind === 'deps').length, 1);
  assert.equal(report.summary.built, 3);
});

test('a manifest edit of one entry rebuilds only that entry', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  p.write(
    'manifest.yml',
    p
      .read('manifest.yml')
      .replace('      - ./src/worker/handler.py\n', '      - ./src/worker/handler.py\n      - ./src/lib/util.py\n'),
  );
  const { report } = await buildJson(p.dir);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'built' });
});

test('--force rebuilds everything; -f builds the partial matches with their installs; removed entries lose their zips', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  const forced = await buildJson(p.dir, ['--force']);
  assert.deepEqual(statuses(forced.report), { 'deps:requirements.txt': 'built', api: 'built', worker: 'built' });
  const only = await buildJson(p.dir, ['-f', 'wor']);
  assert.deepEqual(statuses(only.report), { 'deps:requirements.txt': 'cached', worker: 'cached' });
  assert.equal(p.mtime('dist/worker.zip') > 0, true);
  // juniper semantics: without --skip-clean the output folder holds only this run's zips.
  assert.throws(() => p.mtime('dist/api.zip'));
  p.write('dist/keep-me.txt', 'mine');
  await buildJson(p.dir, ['--skip-clean', '-f', 'api']);
  assert.equal(p.read('dist/keep-me.txt'), 'mine');
  assert.ok(p.mtime('dist/worker.zip') > 0);
  p.write('manifest.yml', p.read('manifest.yml').replace(/  worker:[\s\S]*$/, ''));
  const after = await buildJson(p.dir);
  assert.deepEqual(statuses(after.report), { 'deps:requirements.txt': 'cached', api: 'cached' });
  assert.throws(() => p.mtime('dist/worker.zip'));
  // Only zips juni placed are ever cleaned: the user's file stays.
  assert.equal(p.read('dist/keep-me.txt'), 'mine');
});

test('JUNI_CACHE_DIR puts the cache elsewhere', async (t) => {
  const p = await standardProject(t);
  const cache = p.path('..', `${p.dir.split('/').pop()}-cache`);
  t.after(async () => (await import('node:fs')).rmSync(cache, { recursive: true, force: true }));
  const { run } = await buildJson(p.dir, [], { JUNI_CACHE_DIR: cache });
  assert.equal(run.code, 0, run.stderr);
  assert.throws(() => p.mtime('.juni/cache.db'));
  const again = await buildJson(p.dir, [], { JUNI_CACHE_DIR: cache });
  assert.equal(again.report.summary.cached, 3);
});
