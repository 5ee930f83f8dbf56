// The Docker executor against a real engine: images built from Dockerfiles, pip in containers,
// lambda_lib/lambda_bin in juniper's places, determinism, and what rebuilds after an edit.
import assert from 'node:assert/strict';
import { cpSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { BASE_IMAGE, EngineLog, leftoverContainers, removeImage, requireDocker } from '../rig/docker.js';
import { buildJson, statuses } from '../rig/juni.js';
import { Project, PIP_CONF, tempProject } from '../rig/project.js';
import { readZip, sha256, zipNames } from '../rig/zip.js';

const DOCKERFILE = [
  `FROM ${BASE_IMAGE}`,
  'ARG GREETING=hello',
  'RUN mkdir -p /var/task/lambda_lib /var/task/lambda_bin \\',
  ' && echo "shared object" > /var/task/lambda_lib/libridge.so.1 \\',
  ' && ln -s libridge.so.1 /var/task/lambda_lib/libridge.so \\',
  ' && printf "#!/bin/sh\\necho $GREETING\\n" > /var/task/lambda_bin/ridgetool \\',
  ' && chmod 755 /var/task/lambda_bin/ridgetool',
  '',
].join('\n');

async function ridgeProject(t: Parameters<typeof tempProject>[0], tag: string): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'docker/Dockerfile': DOCKERFILE,
    'notes/ignored.txt': 'not part of the image\n',
    '.dockerignore': 'notes/\n',
    'src/api/handler.py': 'def handler(e, c):\n    return 1\n',
    'src/plain/handler.py': 'def handler(e, c):\n    return 2\n',
    'manifest.yml': [
      'global:',
      '  pipconf: ./pip.conf',
      'images:',
      '  ridge:',
      '    dockerfile: ./docker/Dockerfile',
      '    context: .',
      '    args: {GREETING: hi}',
      `    tag: ${tag}`,
      'layers:',
      '  ridge-layer:',
      '    image: ridge',
      '    requirements: ./requirements.txt',
      'functions:',
      '  api:',
      `    image: ${tag}`,
      '    requirements: ./requirements.txt',
      '    include: [./src/api/handler.py]',
      '    layers: [ridge-layer]',
      '  plain:',
      '    requirements: ./requirements.txt',
      '    include: [./src/plain/]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'GET = 1\n' } });
  return p;
}

test('images from Dockerfiles, pip in containers, lambda_lib and lambda_bin where juniper puts them', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/ridge:${process.pid}`;
  t.after(() => removeImage(tag));
  const p = await ridgeProject(t, tag);
  const env = { JUNI_DEFAULT_IMAGE: BASE_IMAGE };
  const log = new EngineLog();
  const { run, report } = await buildJson(p.dir, [], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(log.pipRuns(p.dir), 2, 'a pip container for each of the two installs');
  assert.deepEqual(statuses(report), {
    [`image:${BASE_IMAGE}`]: 'built',
    'image:ridge': 'built',
    'deps:requirements.txt (ridge-layer)': 'built',
    'deps:requirements.txt (plain)': 'built',
    'ridge-layer': 'built',
    api: 'built',
    plain: 'built',
  });
  // A function gets both folders at its root; a layer under lib/ and bin/, its packages under python/.
  assert.deepEqual(zipNames(p.path('dist/api.zip')), [
    'handler.py',
    'libridge.so',
    'libridge.so.1',
    'ridgetool',
    'tinyhttp/__init__.py',
  ]);
  assert.deepEqual(zipNames(p.path('dist/ridge-layer.zip')), [
    'bin/ridgetool',
    'lib/libridge.so',
    'lib/libridge.so.1',
    'python/tinyhttp/__init__.py',
  ]);
  assert.deepEqual(zipNames(p.path('dist/plain.zip')), ['plain/handler.py', 'tinyhttp/__init__.py']);
  const tool = readZip(p.path('dist/api.zip')).find((e) => e.name === 'ridgetool')!;
  assert.equal(tool.mode, 0o100755);
  assert.equal(tool.text, '#!/bin/sh\necho hi\n', 'the build arg reached the Dockerfile');
  assert.deepEqual(leftoverContainers(p.dir), []);

  // A second checkout elsewhere gives the same bytes.
  const copy = new Project(tempProject(t).path('copy'));
  cpSync(p.dir, copy.dir, { recursive: true, filter: (src) => !src.includes('/dist') && !src.includes('/.juni') });
  log.mark();
  const again = await buildJson(copy.dir, [], env);
  assert.equal(again.run.code, 0, again.run.stderr);
  assert.equal(log.pipRuns(copy.dir), 2, 'the copy installs for itself');
  for (const zip of ['api.zip', 'ridge-layer.zip', 'plain.zip'])
    assert.equal(sha256(copy.path('dist', zip)), sha256(p.path('dist', zip)), zip);
});

test('a Dockerfile edit rebuilds that image and what uses it; an ignored file rebuilds nothing', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/ridge-edit:${process.pid}`;
  t.after(() => removeImage(tag));
  const p = await ridgeProject(t, tag);
  const env = { JUNI_DEFAULT_IMAGE: BASE_IMAGE };
  const log = new EngineLog();
  assert.equal((await buildJson(p.dir, [], env)).run.code, 0);
  assert.equal(log.pipRuns(p.dir), 2);
  log.mark();
  p.write('notes/ignored.txt', 'edited\n');
  const ignored = await buildJson(p.dir, [], env);
  assert.equal(ignored.report.summary.built, 0, "a .dockerignore'd file is not an input");
  assert.equal(log.pipRuns(p.dir), 0);
  log.mark();
  const plainTime = statSync(p.path('dist/plain.zip')).mtimeMs;
  p.write('docker/Dockerfile', DOCKERFILE + 'RUN echo more > /var/task/lambda_lib/extra.txt\n');
  const { report } = await buildJson(p.dir, [], env);
  assert.deepEqual(statuses(report), {
    [`image:${BASE_IMAGE}`]: 'cached',
    'image:ridge': 'built',
    'deps:requirements.txt (ridge-layer)': 'built',
    'deps:requirements.txt (plain)': 'cached',
    'ridge-layer': 'built',
    api: 'built',
    plain: 'cached',
  });
  assert.equal(log.pipRuns(p.dir), 1, "only the edited image's install ran pip");
  assert.ok(zipNames(p.path('dist/api.zip')).includes('extra.txt'));
  assert.equal(statSync(p.path('dist/plain.zip')).mtimeMs, plainTime);
  assert.deepEqual(leftoverContainers(p.dir), []);
});
