// A damaged cache entry is detected by its sha256, dropped with a warning and rebuilt; the output
// is never a damaged zip. Damage keeps the file's size and mtime, as bit rot would.
import assert from 'node:assert/strict';
import { openSync, readdirSync, readSync, statSync, utimesSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildJson, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';
import { sha256 } from '../rig/zip.js';

/** Flips one byte in the middle of the file and puts its mtime back. */
function damage(file: string): void {
  const { size, atime, mtime } = statSync(file);
  const fd = openSync(file, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, Math.floor(size / 2));
  byte[0] = byte[0]! ^ 0xff;
  writeSync(fd, byte, 0, 1, Math.floor(size / 2));
  closeSync(fd);
  utimesSync(file, atime, mtime);
}

function filesIn(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
}

test('a damaged stored zip is rebuilt, not copied to the output folder', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const first = await buildJson(p.dir, [], pip.env());
  const good = sha256(p.path('dist', 'api.zip'));
  // Two builds: the second trusts the stored zips' stats, as a later build on a laptop would.
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  for (const zip of filesIn(p.path('.juni', 'artifacts', 'zips'), '.zip')) damage(zip);
  for (const f of ['api.zip', 'worker.zip']) damage(p.path('dist', f));
  const { run, report } = await buildJson(p.dir, [], pip.env());
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /cached zip of api failed its sha256 check; rebuilding it/);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'built' });
  assert.equal(pip.since(), 0, 'the zips were rebuilt from the cached install');
  assert.equal(sha256(p.path('dist', 'api.zip')), good);
  assert.equal(first.report.nodes.find((n) => n.name === 'api')!.outputs[0]!.sha256, good);
});

test('a damaged install pack is reinstalled before a zip uses it, even when its stat is trusted', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  const good = sha256(p.path('dist', 'worker.zip'));
  // Builds that read the pack, so its hash is remembered by stat before the damage.
  p.write('src/worker/handler.py', 'W = 1\n');
  await buildJson(p.dir, [], pip.env());
  p.write('src/worker/handler.py', 'def handler(event, context):\n    return "worker"\n');
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1, 'one install for the three builds');
  const [pack] = filesIn(p.path('.juni', 'artifacts', 'deps'), '.pack');
  damage(pack!);
  p.write('src/worker/handler.py', 'W = 2\n');
  const { run, report } = await buildJson(p.dir, [], pip.env());
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /cached install of requirements\.txt failed its hash check; reinstalling it/);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'built', api: 'cached', worker: 'built' });
  assert.equal(pip.since(), 1, 'pip really ran again');
  p.write('src/worker/handler.py', 'def handler(event, context):\n    return "worker"\n');
  await buildJson(p.dir, [], pip.env());
  assert.equal(sha256(p.path('dist', 'worker.zip')), good);
  assert.equal(pip.since(), 0, 'the reinstalled pack is used');
});
