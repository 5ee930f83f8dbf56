// A failing pip install: exit 1 with pip's own words, nothing for that node and its dependents,
// independent nodes still built. A missing python3: a clear message.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';

test('pip failing fails its install and its users; the rest still builds', async (t) => {
  const p = await standardProject(
    t,
    [
      'global: {executor: local, pipconf: ./pip.conf}',
      'functions:',
      '  broken: {requirements: ./bad.txt, include: [./src/api/]}',
      '  fine: {requirements: ./requirements.txt, include: [./src/worker/]}',
      '',
    ].join('\n'),
  );
  p.write('bad.txt', 'doesnotexist-pkg==9.9\n');
  const pip = new PipRuns(t);
  const { run, report } = await buildJson(p.dir, [], pip.env());
  assert.equal(run.code, 1);
  assert.deepEqual(statuses(report), {
    'deps:bad.txt': 'failed',
    'deps:requirements.txt': 'built',
    broken: 'skipped',
    fine: 'built',
  });
  assert.match(run.stderr, /No matching distribution found for doesnotexist-pkg==9\.9/);
  assert.equal(existsSync(p.path('dist/broken.zip')), false);
  assert.equal(existsSync(p.path('dist/fine.zip')), true);
  assert.equal(report.ok, false);
  assert.equal(pip.count(), 2, 'pip ran for each requirements file, the failing one too');
});

test('no python3 on PATH: a message that says so, exit 1', async (t) => {
  const p = await standardProject(t);
  const bin = p.path('..', `${p.dir.split('/').pop()}-bin`);
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, `${bin}/node`);
  t.after(async () => (await import('node:fs')).rmSync(bin, { recursive: true, force: true }));
  const { run, report } = await buildJson(p.dir, [], { PATH: bin });
  assert.equal(run.code, 1);
  assert.equal(statuses(report)['deps:requirements.txt'], 'failed');
  assert.match(run.stderr, /python3 was not found on PATH/);
});
