// Containers a killed juni left on the engine: the next Docker build removes them and says so;
// a live juni's containers, other hosts' and other projects' are never touched. Counted on the engine.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { test, type TestContext } from 'node:test';
import {
  BASE_IMAGE,
  containersLabelled,
  removeContainers,
  removeImage,
  requireDocker,
  slowPythonImage,
} from '../rig/docker.js';
import { buildJson, testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';

/** A project whose function `api` installs `tinyhttp` in `image`, with `more` functions. */
async function project(t: TestContext, image: string, more: string[] = []): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'src/handler.py': 'H = 1\n',
    'manifest.yml': manifest(image, more),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'X = 1\n' } });
  // Whatever the test's outcome, nothing it caused stays on the shared engine.
  t.after(() => removeContainers(containersLabelled(`dev.juni.project=${p.dir}`)));
  return p;
}

function manifest(image: string, more: string[] = []): string {
  return [
    `global: {pipconf: ./pip.conf, image: ${image}}`,
    'functions:',
    '  api: {requirements: ./requirements.txt, include: [./src/]}',
    ...more,
    '',
  ].join('\n');
}

/** An image whose pip never finishes within the test, removed when the test ends. */
function slowImage(t: TestContext, name: string): string {
  const tag = `juni-test/slow-python:${process.pid}-${name}`;
  slowPythonImage(tag);
  t.after(() => removeImage(tag));
  return tag;
}

/** Starts `juni build` in `p` and resolves once the engine lists its pip container (by label). */
async function buildUntilPipRuns(p: Project, args: string[] = []): Promise<{ child: ChildProcess; container: string }> {
  const child = spawn(process.execPath, [JUNI, 'build', ...args], { cwd: p.dir, env: testEnv() });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [container] = containersLabelled(`dev.juni.project=${p.dir}`, 'dev.juni.role=pip');
    if (container) return { child, container };
    if (exited) throw new Error(`juni ended before its pip container existed:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no pip container within a minute:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null> {
  const closed = new Promise<NodeJS.Signals | number | null>((r) => child.on('close', (code, sig) => r(sig ?? code)));
  child.kill(signal);
  return closed;
}

test('a container left by a juni killed during pip is removed by the next Docker build, which says so', async (t) => {
  if (!requireDocker(t)) return;
  const p = await project(t, slowImage(t, 'killed'));
  const { child, container } = await buildUntilPipRuns(p);
  assert.equal(await kill(child, 'SIGKILL'), 'SIGKILL');
  assert.deepEqual(containersLabelled(`dev.juni.project=${p.dir}`), [container], 'SIGKILL leaves its container');

  // The next build installs in an image whose pip runs at once.
  p.write('manifest.yml', manifest(BASE_IMAGE));
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(containersLabelled(`dev.juni.project=${p.dir}`), [], 'the leftover is gone from the engine');
  const said = run.stderr.split('\n').filter((l) => l.includes('left by a juni run'));
  assert.equal(said.length, 1, run.stderr);
  assert.match(said[0]!, new RegExp(`removed 1 Docker container .*${container.slice(0, 12)}, pid ${child.pid}`));
  assert.deepEqual(
    report.warnings.filter((w) => w.code === 'leftover-containers').map((w) => w.message),
    [said[0]!.replace(/^\s*warning: /, '')],
  );
});

/** This machine's identity as juni's owner label states it (boot id and pid namespace). */
function thisMachine(): { boot: string; pidns: string } {
  return {
    boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    pidns: readlinkSync('/proc/self/ns/pid'),
  };
}

/** A stopped container labelled as juni's, made by the test (removed when it ends). */
function fakeContainer(t: TestContext, owner: object, project: string): string {
  const labels = ['--label', `dev.juni.owner=${JSON.stringify(owner)}`, '--label', `dev.juni.project=${project}`];
  const id = execFileSync('docker', ['create', ...labels, BASE_IMAGE, 'true'], { encoding: 'utf8' }).trim();
  t.after(() => removeContainers([id]));
  return id;
}

test("a live juni's containers, another host's and another project's leftovers are not removed", async (t) => {
  if (!requireDocker(t)) return;
  // `fn` needs no install: a second build of it runs to the end while `api`'s pip is running.
  const p = await project(t, slowImage(t, 'live'), [`  fn: {include: [./src/], image: ${BASE_IMAGE}}`]);
  const { child, container } = await buildUntilPipRuns(p, ['-f', 'api']);
  t.after(() => child.kill('SIGKILL'));

  // No process has this pid (above Linux's pid_max), so these owners are gone; but one ran on a
  // host of another name sharing this engine, which this host cannot see, and the other built
  // another project, whose own next build clears it.
  const gone = { ...thisMachine(), pid: 2 ** 22 + 1, start: '1' };
  const elsewhere = fakeContainer(t, { host: 'another-host.invalid', ...gone }, p.dir);
  const other = tempProject(t);
  const otherProject = fakeContainer(t, { host: hostname(), ...gone }, other.dir);

  // A second build of the project runs to the end meanwhile, clearing leftovers as it starts.
  const { run, report } = await buildJson(p.dir, ['-f', 'fn']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(
    containersLabelled(`dev.juni.project=${p.dir}`).sort(),
    [container, elsewhere].sort(),
    "the live build's container and the other host's",
  );
  assert.deepEqual(containersLabelled(`dev.juni.project=${other.dir}`), [otherProject]);

  // The live build was never disturbed: Ctrl-C stops it as usual, and it removes its own container.
  assert.equal(await kill(child, 'SIGINT'), 130);
  assert.deepEqual(containersLabelled(`dev.juni.project=${p.dir}`), [elsewhere]);
});
