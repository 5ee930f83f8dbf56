// Two builds at once, and a build killed mid-way: never a partial zip, and the next build works.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { buildJson, juni, testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { standardProject } from '../rig/project.js';
import { readZip, sha256 } from '../rig/zip.js';

test('two juni build processes at once in one folder both finish with correct zips', async (t) => {
  const p = await standardProject(t);
  const [a, b] = await Promise.all([juni(['build'], { cwd: p.dir }), juni(['build'], { cwd: p.dir })]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(readdirSync(p.path('dist')).sort(), ['api.zip', 'worker.zip']);
  const first = sha256(p.path('dist/api.zip'));
  readZip(p.path('dist/api.zip'));
  const { report } = await buildJson(p.dir, ['--force']);
  assert.equal(report.summary.built, 3);
  assert.equal(sha256(p.path('dist/api.zip')), first);
});

test('SIGKILL in the middle of a build leaves no partial zip, and the next build succeeds', async (t) => {
  const p = await standardProject(t);
  // A big include makes the zip step long enough to be killed inside it.
  for (let i = 0; i < 400; i++)
    p.write(`src/lib/big/m${i}.py`, `# ${i}\n` + 'def f(x):\n    return [x * i for i in range(100)]\n'.repeat(400));
  const child = spawn(process.execPath, [JUNI, 'build', '--concurrency', '1'], { cwd: p.dir, env: testEnv() });
  let stdout = '';
  // Kill as soon as the first zip starts being written.
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (/\.\.\. function /.test(stdout)) resolve();
    });
    child.on('close', () => resolve());
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const zipsLeft = existsSync(p.path('dist')) ? readdirSync(p.path('dist')) : [];
  for (const name of zipsLeft) {
    assert.match(name, /^(api|worker)\.zip$/, 'nothing but finished zips in the output folder');
    readZip(p.path('dist', name)); // and each is complete
  }
  const killedTemp = readdirSync(p.path('.juni/tmp')).filter((n) => n.startsWith(`${child.pid}-`));
  assert.equal(killedTemp.length, 1, 'the killed build was writing in its temp folder');
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(report.ok, true);
  assert.deepEqual(
    readdirSync(p.path('dist')).sort(),
    ['api.zip', 'worker.zip'],
    'no temp files left in the output folder',
  );
  assert.equal(readZip(p.path('dist/api.zip')).length, 404);
  assert.deepEqual(
    readdirSync(p.path('.juni/tmp')).filter((n) => n.startsWith(`${child.pid}-`)),
    [],
    'its temp folder was cleaned up',
  );
});
