// Docker builds on an engine that cannot see the project: juni copies pip's inputs into the
// container and the installed tree out of it, so a project in a private mount namespace (as on a
// CI agent that reaches the engine through a mounted socket), or an engine reached through
// DOCKER_HOST=tcp://..., builds the same zips as a project on a shared path. Nothing appears on
// the engine's side, no container is left, and what cannot be sent is refused by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { BASE_IMAGE, EngineLog, leftoverContainers, removeImage, requireDocker } from '../rig/docker.js';
import { buildJson, juni, testEnv } from '../rig/juni.js';
import { requireNativeImage, NATIVE_IMAGE } from '../rig/native-fixture.js';
import { JUNI } from '../rig/paths.js';
import { tempProject, type Project } from '../rig/project.js';
import { makeWheel } from '../rig/wheels.js';
import { sha256 } from '../rig/zip.js';

const SETUP_PY = "from setuptools import setup\nsetup(name='localpkg', version='1.0', packages=['localpkg'])\n";

/**
 * Every kind of local input pip can be given: a requirements file that includes another (-r) and
 * a constraints file (-c), a find-links folder in the pip.conf, one beside a requirements file, a
 * wheel file named by path, a `name @ file://` reference inside the project, and a local package
 * folder pip builds in place (with the image's setuptools: no build isolation, no index).
 */
async function inputsProject(t: TestContext): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': '[global]\nno-index = true\nfind-links = ./wheels\nno-build-isolation = false\n',
    'requirements/base.txt':
      '-r common.txt\n-c pins.txt\n-f extra-wheels\nbeside\n./vendor/direct-1.0-py3-none-any.whl\n',
    'requirements/common.txt': 'tinyhttp\n./pkgs/localpkg\n',
    'requirements/pins.txt': 'tinyhttp==1.0\n',
    'pkgs/localpkg/setup.py': SETUP_PY,
    'pkgs/localpkg/localpkg/__init__.py': 'NAME = "local"\n',
    'src/api/handler.py': 'def handler(e, c):\n    return 1\n',
    'notes/big-unrelated.txt': 'never sent\n',
    'manifest.yml': [
      'global:',
      '  pipconf: ./pip.conf',
      `  image: ${NATIVE_IMAGE}`,
      'functions:',
      '  api:',
      '    requirements: ./requirements/base.txt',
      '    include: [./src/api/]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'GET = 1\n' } });
  await makeWheel(p.path('requirements/extra-wheels'), { name: 'beside', files: { 'beside.py': 'B = 2\n' } });
  await makeWheel(p.path('vendor'), { name: 'direct', files: { 'direct.py': 'D = 3\n', 'bin/tool': '#!/bin/sh\n' } });
  return p;
}

function zipHashes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, sha256(path.join(dir, f))]));
}

test('a project only juni can see (a private mount namespace) builds in Docker with the same zips as a shared one', async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const p = await inputsProject(t);
  const shared = await buildJson(p.dir);
  assert.equal(shared.run.code, 0, shared.run.stderr);
  const zips = zipHashes(p.path('dist'));
  assert.deepEqual(Object.keys(zips), ['api.zip']);

  // The same project copied into a tmpfs mounted in a mount namespace of its own: the engine's
  // side has no such folder (before this change pip said "Could not open requirements file").
  const outside = mkdtempSync(path.join(tmpdir(), 'juni-private-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const mountpoint = path.join(outside, 'private');
  const hidden = path.join(mountpoint, 'project');
  const results = path.join(outside, 'results');
  mkdirSync(mountpoint);
  mkdirSync(results);
  const log = new EngineLog();
  const script = [
    'set -e',
    `mount -t tmpfs juni-private "${mountpoint}"`,
    `mkdir "${hidden}"`,
    `cp -a "${p.dir}/." "${hidden}/"`,
    `rm -rf "${hidden}/dist" "${hidden}/.juni"`,
    `cd "${hidden}"`,
    `set +e; "${process.execPath}" "${JUNI}" build --json > "${results}/out.json" 2> "${results}/err.txt"; code=$?; set -e`,
    `cp -a "${hidden}/dist" "${results}/" || true`,
    'exit $code',
  ].join('\n');
  const run = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
    env: testEnv(),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `${run.stderr}\n${readIf(path.join(results, 'err.txt'))}`);
  assert.deepEqual(zipHashes(path.join(results, 'dist')), zips, 'the same zips, byte for byte');
  // Resolved, then installed by pip: a local package and a direct wheel are pip's to install.
  assert.equal(log.pipRuns(hidden), 2, 'pip ran in a container for the hidden project');
  assert.deepEqual(readdirSync(mountpoint), [], 'the engine created no folder at the project path on its side');
  assert.deepEqual(leftoverContainers(hidden), [], 'no container is left');
});

function readIf(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** A TCP port on 127.0.0.1 that forwards to the engine's unix socket, counting the API calls made through it. */
async function tcpEngine(t: TestContext): Promise<{ host: string; calls: string[] }> {
  const calls: string[] = [];
  const server = net.createServer((client) => {
    const engine = net.connect('/var/run/docker.sock');
    // Every request line on the connection (keep-alive carries several), as `PUT /containers/{id}/archive`.
    client.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('latin1').matchAll(/^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.1\r$/gm))
        calls.push(
          `${m[1]} ${m[2]!
            .replace(/^\/v[0-9.]+/, '')
            .replace(/\?.*/, '')
            .replace(/[0-9a-f]{64}/, '{id}')}`,
        );
    });
    client.pipe(engine).pipe(client);
    const end = (): void => {
      client.destroy();
      engine.destroy();
    };
    client.on('error', end);
    engine.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as net.AddressInfo;
  return { host: `tcp://127.0.0.1:${port}`, calls };
}

test('DOCKER_HOST=tcp://127.0.0.1:PORT builds the same zips as the unix socket', async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const p = await inputsProject(t);
  const local = await buildJson(p.dir);
  assert.equal(local.run.code, 0, local.run.stderr);
  const zips = zipHashes(p.path('dist'));
  rmSync(p.path('.juni'), { recursive: true, force: true });
  rmSync(p.path('dist'), { recursive: true, force: true });

  const engine = await tcpEngine(t);
  const log = new EngineLog();
  const remote = await buildJson(p.dir, [], { DOCKER_HOST: engine.host });
  assert.equal(remote.run.code, 0, remote.run.stderr);
  assert.deepEqual(zipHashes(p.path('dist')), zips);
  assert.equal(log.pipRuns(p.dir), 2, 'a resolve, then the install');
  // Through the port: the container's creation, the inputs copied in, the tree copied out.
  for (const call of ['POST /containers/create', 'PUT /containers/{id}/archive', 'GET /containers/{id}/archive'])
    assert.ok(engine.calls.includes(call), `${call} in ${[...new Set(engine.calls)].join(', ')}`);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('a path pip is given that no container can be: refused by name, or said when pip would ignore it', async (t) => {
  if (!requireDocker(t)) return;
  const wheelhouse = mkdtempSync(path.join(tmpdir(), 'juni-wheelhouse-'));
  t.after(() => rmSync(wheelhouse, { recursive: true, force: true }));
  const wheel = 'tinyhttp-1.0-py3-none-any.whl';
  const p = tempProject(t, {
    'project/pip.conf': '[global]\nno-index = true\n',
    'project/requirements.txt': `../outside-wheels/${wheel}\n`,
    'project/src/api/handler.py': 'def handler(e, c):\n    return 1\n',
    'project/manifest.yml': [
      'global:',
      '  pipconf: ./pip.conf',
      `  image: ${BASE_IMAGE}`,
      'functions:',
      '  api:',
      '    requirements: ./requirements.txt',
      '    include: [./src/api/]',
      '',
    ].join('\n'),
  });
  const spec = { name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'GET = 1\n' } };
  await makeWheel(p.path('outside-wheels'), spec);
  await makeWheel(wheelhouse, spec);
  const project = p.path('project');
  const log = new EngineLog();
  // A package out of the manifest folder: pip would fail on it, so the build does not start.
  const refused = await juni(['build'], { cwd: project });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    new RegExp(`requirements\\.txt:1:1 \\.\\./outside-wheels/${wheel} is outside the manifest folder`),
  );
  assert.match(refused.stderr, /hint: move it into the project folder/);
  assert.equal(log.containersCreated(project), 0);
  assert.equal(existsSync(path.join(project, 'dist')), false);
  // Built on this machine, pip reads it where it is: every juniper manifest keeps working.
  const local = await juni(['build', '--executor', 'local'], { cwd: project });
  assert.equal(local.code, 0, local.stderr);

  // A find-links folder out of it: pip ignores a location it cannot see, as it did when the project
  // was mounted; the build says so (here pip then finds nothing: no index).
  p.write('project/requirements.txt', 'tinyhttp\n-f ../outside-wheels\n');
  const ignored = await juni(['build', '--json'], { cwd: project });
  assert.equal(ignored.code, 1, ignored.stderr);
  const report = JSON.parse(ignored.stdout) as { warnings: { code: string; message: string }[] };
  assert.deepEqual(
    report.warnings.filter((w) => w.code === 'pip-path-not-sent').map((w) => w.message.split(', so')[0]),
    ['requirements.txt:2: find-links ../outside-wheels is outside the manifest folder'],
  );

  // An absolute wheel file on this machine that the image does not have: the install fails
  // before pip runs, naming the line and the image; an absolute find-links folder is said in pip's log.
  p.write('project/requirements.txt', `${path.join(wheelhouse, wheel)}\n`);
  const missing = await juni(['build'], { cwd: project });
  assert.equal(missing.code, 1, missing.stderr);
  const said = missing.stdout + missing.stderr;
  assert.match(
    said,
    new RegExp(`requirements\\.txt:1:1: ${wheelhouse}/${wheel} is on this machine but not in the build image`),
  );
  assert.match(said, /hint: move it into the project folder/);
  p.write('project/requirements.txt', `tinyhttp\n-f ${wheelhouse}\n`);
  const unseen = await juni(['build'], { cwd: project });
  assert.equal(unseen.code, 1, unseen.stderr);
  assert.match(
    unseen.stdout + unseen.stderr,
    new RegExp(`find-links ${wheelhouse} is on this machine but not in the image`),
  );
  assert.deepEqual(leftoverContainers(project), []);
});

test('an absolute path baked into the build image is found there, not sent', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/wheelhouse:${process.pid}`;
  t.after(() => removeImage(tag));
  const p = tempProject(t, {
    'pip.conf': '[global]\nno-index = true\nfind-links = /opt/juni-wheelhouse\n',
    'requirements.txt': 'tinyhttp\n',
    'docker/Dockerfile': `FROM ${BASE_IMAGE}\nCOPY wheels/ /opt/juni-wheelhouse/\n`,
    'src/api/handler.py': 'def handler(e, c):\n    return 1\n',
    'manifest.yml': [
      'global:',
      '  pipconf: ./pip.conf',
      'images:',
      '  baked: {dockerfile: ./docker/Dockerfile, context: ., tag: ' + tag + '}',
      'functions:',
      '  api:',
      '    image: baked',
      '    requirements: ./requirements.txt',
      '    include: [./src/api/]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'GET = 1\n' } });
  const { run } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(leftoverContainers(p.dir), []);
});
