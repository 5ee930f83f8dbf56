// Docker installs are pip's resolve in the build image plus juni's copy of each wheel's
// compressed entries: the zip's tree equals `pip install --target` run in the same image, file for
// file, for every wheel shape of the corpus, wheels sent from the project and one baked into the
// image alike. The engine's record counts pip's containers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { BASE_IMAGE, EngineLog, leftoverContainers, removeImage, requireDocker } from '../rig/docker.js';
import { buildJson } from '../rig/juni.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';
import { assertSameTree, depsOf, makeCorpusWheel, treeOf, writeCorpus, type TreeEntry } from '../rig/wheel-corpus.js';

/** pip's own install of `requirements` in `image`, the project mounted read-only (the test's side, not juni's). */
function pipTreeIn(t: TestContext, image: string, p: Project, requirements: string): Map<string, TreeEntry> {
  const out = mkdtempSync(path.join(tmpdir(), 'juni-pip-image-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const script =
    `python3 -m pip install --target /tmp/t --no-compile --disable-pip-version-check -q -r ${requirements}` +
    ' && tar -C /tmp/t -cf - .';
  const tarBytes = execFileSync(
    'docker',
    ['run', '--rm', '--network', 'none', '-v', `${p.dir}:/juni/project:ro`, '-w', '/juni/project']
      .concat(['-e', 'PIP_CONFIG_FILE=/juni/project/pip.conf', '-e', 'PYTHONDONTWRITEBYTECODE=1', image])
      .concat(['sh', '-c', script]),
    { maxBuffer: 256 * 1024 * 1024 },
  );
  execFileSync('tar', ['-x', '-C', out], { input: tarBytes });
  return treeOf(out);
}

test('a Docker install copied from wheels equals pip install --target in the image, wheels sent or baked in', async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'pip.conf': PIP_CONF.replace('find-links = ./wheels', 'find-links = ./wheels /opt/wheelhouse'),
    'handler.py': 'def handler(event, context):\n    return 1\n',
    'copied.txt': 'plain\ndatafull\ncli\nnative\nbaked\n',
    'manifest.yml': '',
  });
  writeCorpus(t, p);
  // A wheel only the image has: resolved there, copied out by juni.
  makeCorpusWheel(p.path('baked'), { name: 'baked', files: { 'baked/__init__.py': 'BAKED = 1\n' } });
  p.write('docker/Dockerfile', `FROM ${BASE_IMAGE}\nCOPY baked/ /opt/wheelhouse/\n`);
  const image = `juni-test/baked-wheel:${process.pid}`;
  t.after(() => removeImage(image));
  p.write(
    'manifest.yml',
    [
      'global:',
      '  image: baked',
      '  network: none',
      '  pipconf: ./pip.conf',
      "  keep: ['*.dist-info']",
      'images:',
      '  baked:',
      '    dockerfile: ./docker/Dockerfile',
      '    context: .',
      `    tag: ${image}`,
      'functions:',
      '  copied:',
      '    requirements: ./copied.txt',
      '    include: [./handler.py]',
      '',
    ].join('\n'),
  );
  const log = new EngineLog();
  const cold = await buildJson(p.dir);
  assert.equal(cold.run.code, 0, cold.run.stderr);
  assert.equal(log.pipRuns(p.dir), 1, 'one pip container: the resolve; juni installed the wheels');
  assertSameTree(depsOf(p.path('dist', 'copied.zip')), pipTreeIn(t, image, p, 'copied.txt'), 'copied.txt');
  assert.ok(depsOf(p.path('dist', 'copied.zip')).has('baked/__init__.py'));
  assert.deepEqual(leftoverContainers(p.dir), []);
});
