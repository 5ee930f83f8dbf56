// What goes wrong with Docker, and how it is reported: pip failing in a container, an image that
// is not there, an engine that does not answer, Ctrl-C mid-install. No container is ever left.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { BASE_IMAGE, leftoverContainers, removeImage, requireDocker } from '../rig/docker.js';
import { buildJson, juni, statuses, testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PIP_CONF, tempProject } from '../rig/project.js';

function project(t: Parameters<typeof tempProject>[0], image: string, requirements = 'nothere==1.0\n') {
  return tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': requirements,
    'src/handler.py': 'H = 1\n',
    'manifest.yml': [
      `global: {pipconf: ./pip.conf, image: ${image}}`,
      'functions:',
      '  api:',
      '    requirements: ./requirements.txt',
      '    include: [./src/]',
      '  ok:',
      '    include: [./src/]',
      '',
    ].join('\n'),
  });
}

test('pip failing in the container: exit 1 with its log tail, no container left', async (t) => {
  if (!requireDocker(t)) return;
  const p = project(t, BASE_IMAGE);
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 1);
  assert.equal(statuses(report).api, 'skipped');
  assert.equal(statuses(report).ok, 'built');
  assert.match(run.stderr, /No matching distribution found for nothere==1\.0/);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('an image the engine lacks names the entries that need it and how to fix it', async (t) => {
  if (!requireDocker(t)) return;
  const p = project(t, 'juni-test/not-built:never');
  const { run } = await buildJson(p.dir);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /image juni-test\/not-built:never is not on the Docker engine .*\(needed by function api, function ok\)/,
  );
  assert.match(run.stderr, /hint: build it from a Dockerfile with an images: entry/);
});

test('an engine that does not answer: say how to start one or build locally', async (t) => {
  const p = project(t, BASE_IMAGE);
  const { run } = await buildJson(p.dir, [], { DOCKER_HOST: 'tcp://127.0.0.1:9' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /the Docker engine at tcp:\/\/127\.0\.0\.1:9 is not reachable/);
  assert.match(run.stderr, /--executor local/);
});

for (const [signal, code, what] of [
  ['SIGINT', 130, 'Ctrl-C'],
  ['SIGTERM', 143, 'SIGTERM (a CI job cancelled)'],
] as const) {
  test(`${what} during an install stops the build with ${code} and removes its container`, async (t) => {
    if (!requireDocker(t)) return;
    const tag = `juni-test/slow-python:${process.pid}-${signal.toLowerCase()}`;
    t.after(() => removeImage(tag));
    const p = project(t, tag, 'tinyhttp\n');
    // An image whose python3 first sleeps: pip is still running when the interrupt comes.
    const slowPython = `printf '#!/bin/sh\\nsleep 60\\nexec /usr/bin/python3-real "$@"\\n' > /usr/bin/python3`;
    p.write(
      'Dockerfile',
      `FROM ${BASE_IMAGE}\nRUN mv /usr/bin/python3 /usr/bin/python3-real && ${slowPython} && chmod 755 /usr/bin/python3\n`,
    );
    p.write(
      'manifest.yml',
      p.read('manifest.yml').replace('global:', `images:\n  slow: {dockerfile: ./Dockerfile, tag: ${tag}}\nglobal:`),
    );
    await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'X = 1\n' } });
    const child = spawn(process.execPath, [JUNI, 'build'], { cwd: p.dir, env: testEnv() });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/\.\.\. deps requirements\.txt/.test(out)) resolve();
      });
      child.on('close', () => reject(new Error(`juni ended before the install started:\n${out}`)));
    });
    // The container exists once the engine created it; wait for it, then interrupt.
    for (let i = 0; i < 100 && leftoverContainers(p.dir).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(leftoverContainers(p.dir).length, 1, 'the install runs in a container');
    child.kill(signal);
    const exit = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(exit, code);
    assert.deepEqual(leftoverContainers(p.dir), []);
    const again = await juni(['build', '--executor', 'local'], { cwd: p.dir });
    assert.equal(again.code, 0, again.stderr);
  });
}
