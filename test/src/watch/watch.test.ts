// --watch: an edit rebuilds only its zip, editors' atomic saves count, the manifest is re-read
// (entries added and removed, broken and fixed), and Ctrl-C stops cleanly.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';
import { WatchRun } from '../rig/watch.js';
import { readZip, zipNames } from '../rig/zip.js';

test('an edit rebuilds only the zip it touches; an atomic-rename save counts too', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const w = new WatchRun(p.dir, [], pip.env());
  t.after(() => w.stop());
  const first = await w.build(1);
  assert.equal(first.summary.built, 3);
  assert.equal(pip.since(), 1);
  await w.until('watching', () => /watching \d+ paths/.test(w.stderr));
  const workerTime = p.mtime('dist/worker.zip');
  p.write('src/api/handler.py', 'def handler(e, c):\n    return "edited"\n');
  assert.deepEqual(statuses(await w.build(2)), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.equal(p.mtime('dist/worker.zip'), workerTime, 'the other zip is untouched');
  // Editors often write a temp file and rename it over the original.
  writeFileSync(p.path('src/worker/.handler.py.swp'), 'def handler(e, c):\n    return "saved atomically"\n');
  renameSync(p.path('src/worker/.handler.py.swp'), p.path('src/worker/handler.py'));
  assert.deepEqual(statuses(await w.build(3)), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'built' });
  assert.equal(pip.since(), 0, 'the edits ran no pip');
  assert.equal(await w.stop(), 0);
  assert.match(w.stderr, /stopped watching/);
});

test('a manifest edit re-reads the graph: a broken manifest is survived, an added entry builds, a removed one goes', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const w = new WatchRun(p.dir, [], pip.env());
  t.after(() => w.stop());
  await w.build(1);
  assert.equal(pip.since(), 1);
  await w.until('watching', () => /watching/.test(w.stderr));
  const good = p.read('manifest.yml');
  p.write('manifest.yml', `${good}  broken: [\n`);
  await w.until('the manifest problem', () => /YAML syntax error/.test(w.stderr) && /still watching/.test(w.stderr));
  p.write('manifest.yml', good.replace(/  worker:[\s\S]*$/, '  added:\n    include: [./src/lib/]\n'));
  const report = await w.build(2);
  assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'cached', added: 'built', api: 'cached' });
  assert.deepEqual(zipNames(p.path('dist/added.zip')), ['lib/util.py']);
  assert.equal(existsSync(p.path('dist/worker.zip')), false);
  // The new entry's inputs are watched from now on.
  p.write('src/lib/util.py', 'X = 2\n');
  assert.deepEqual(statuses(await w.build(3)), { 'deps:requirements.txt': 'cached', added: 'built', api: 'built' });
  assert.equal(pip.since(), 0, 'the re-read manifest reused the install');
  assert.equal(await w.stop(), 0);
});

test("files outside the selected entries' inputs, and the output folder, trigger nothing", async (t) => {
  const p = await standardProject(t);
  p.write('unrelated/notes.txt', 'x');
  const pip = new PipRuns(t);
  const w = new WatchRun(p.dir, ['-f', 'api'], pip.env());
  t.after(() => w.stop());
  await w.build(1);
  assert.equal(pip.since(), 1);
  await w.until('watching', () => /watching/.test(w.stderr));
  p.write('unrelated/notes.txt', 'y');
  p.write('src/worker/handler.py', 'not selected\n');
  p.write('dist/stray.txt', 'z');
  // Then a real change: if the others had triggered builds, they would come before this one.
  p.write('src/api/handler.py', 'A = 2\n');
  const second = await w.build(2);
  assert.deepEqual(statuses(second), { 'deps:requirements.txt': 'cached', api: 'built' });
  assert.match(w.stderr, /1 change \(src\/api\/handler\.py\)/);
  assert.equal(pip.since(), 0);
  assert.equal(await w.stop(), 0);
});

test('deleting an included file is reported at its line in the manifest; restoring it builds again', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const w = new WatchRun(p.dir, [], pip.env());
  t.after(() => w.stop());
  await w.build(1);
  assert.equal(pip.since(), 1);
  await w.until('watching', () => /watching/.test(w.stderr));
  const handler = p.read('src/api/handler.py');
  rmSync(p.path('src/api/handler.py'));
  await w.until('the problem', () => /still watching/.test(w.stderr));
  assert.match(w.stderr, /manifest\.yml:\d+:\d+ include '\.\/src\/api\/handler\.py' does not exist/);
  assert.doesNotMatch(w.stderr, /internal error/);
  p.write('src/api/handler.py', `${handler}# back\n`);
  assert.deepEqual(statuses(await w.build(2)), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.equal(pip.since(), 0);
  assert.equal(await w.stop(), 0);
});

test('saves during a build queue one follow-up build, not one per save', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const w = new WatchRun(p.dir, [], pip.env());
  t.after(() => w.stop());
  // pip's target folder appears once every key of build 1 is computed: saves from then on land
  // while that build runs (pip alone takes hundreds of ms) and must not change what it builds.
  await untilTrue('pip is installing', () => pipIsRunning(p.dir));
  for (let i = 0; i < 3; i++) p.write('src/api/handler.py', `A = ${i}\n`);
  // Build 1 hashed the old handler, and api's zip waits for that install: it starts after the
  // saves, sees the handler changed, and refuses to write a zip that matches neither version.
  const first = await w.build(1);
  assert.deepEqual(statuses(first), { 'deps:requirements.txt': 'built', api: 'failed', worker: 'built' });
  const api = first.nodes.find((n) => n.name === 'api')!;
  assert.equal(api.failure?.reason, 'input-changed', JSON.stringify(api));
  assert.deepEqual(statuses(await w.build(2)), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.equal(readZip(p.path('dist/api.zip')).find((e) => e.name === 'handler.py')?.text, 'A = 2\n');
  // Had the three saves queued more than one build, build 3 would be a no-op, not this edit.
  p.write('src/worker/handler.py', 'W = 1\n');
  assert.deepEqual(statuses(await w.build(3)), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'built' });
  assert.equal(pip.since(), 1, 'one install for the three builds');
  assert.equal(await w.stop(), 0);
});

function pipIsRunning(dir: string): boolean {
  const tmp = path.join(dir, '.juni', 'tmp');
  if (!existsSync(tmp)) return false;
  return readdirSync(tmp).some((run) => {
    try {
      return readdirSync(path.join(tmp, run)).some((f) => f.startsWith('deps-'));
    } catch {
      return false; // that run's folder went away between the two reads
    }
  });
}

/** Polls `check` every 10 ms; fails after `ms`. For state only the file system shows. */
async function untilTrue(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("-m FOLDER watches that folder's manifest and inputs, like a build of it", async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const w = new WatchRun(path.dirname(p.dir), ['-m', path.basename(p.dir)], pip.env());
  t.after(() => w.stop());
  assert.equal((await w.build(1)).summary.built, 3);
  assert.equal(pip.since(), 1);
  await w.until('watching', () => /watching \d+ paths/.test(w.stderr));
  // Few paths: the manifest and the inputs, not the whole folder (nor its parent).
  const watched = Number(/watching (\d+) paths/.exec(w.stderr)![1]);
  assert.ok(watched < 10, `watching ${watched} paths`);
  p.write('src/worker/handler.py', 'W = 2\n');
  assert.deepEqual(statuses(await w.build(2)), { 'deps:requirements.txt': 'cached', api: 'cached', worker: 'built' });
  p.write('manifest.yml', p.read('manifest.yml').replace('  worker:', '  jobs:'));
  assert.deepEqual(statuses(await w.build(3)), { 'deps:requirements.txt': 'cached', api: 'cached', jobs: 'built' });
  assert.equal(pip.since(), 0, 'a rename keeps the install');
  assert.equal(await w.stop(), 0);
});

test('a key juniper ignored is a warning said once per build, not twice at start-up', async (t) => {
  const p = await standardProject(t);
  p.write('manifest.yml', p.read('manifest.yml').replace(/^global:\n/m, 'global:\n  include: [./src/]\n'));
  const w = new WatchRun(p.dir);
  t.after(() => w.stop());
  const first = await w.build(1);
  assert.equal(first.ok, true, w.stderr);
  await w.until('watching', () => /watching \d+ paths/.test(w.stderr));
  assert.equal(w.stderr.match(/global\.include/g)?.length, 1, w.stderr);
  assert.equal(await w.stop(), 0);
});
