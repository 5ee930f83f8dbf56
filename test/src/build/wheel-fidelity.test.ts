// Host installs are pip's resolve plus juni's copy of each wheel's compressed entries: the tree
// in the zip must equal `pip install --target`'s, file for file (bytes and exec bits, RECORD,
// INSTALLER, REQUESTED and scripts included), for every wheel shape pip treats differently, and
// after an incremental edit equal a clean build. pip's runs are counted, not juni's report.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildJson } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';
import { assertSameTree, depsOf, sameStoredBytes, treeOf, writeCorpus, type TreeEntry } from '../rig/wheel-corpus.js';

function manifest(): string {
  return [
    'global:',
    '  executor: local',
    '  pipconf: ./pip.conf',
    "  keep: ['*.dist-info']",
    'functions:',
    '  copied:',
    '    requirements: ./copied.txt',
    '    include: [./handler.py]',
    '  withpip:',
    '    requirements: ./withpip.txt',
    '    include: [./handler.py]',
    '',
  ].join('\n');
}

/** What `pip install --target` gives for `requirements`, run as juni runs it (same config, no .pyc). */
function pipTree(t: TestContext, p: Project, requirements: string): Map<string, TreeEntry> {
  const target = mkdtempSync(path.join(tmpdir(), 'juni-pip-target-'));
  t.after(() => rmSync(target, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: p.path('pip.conf'), PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('PIP_') && name !== 'PIP_CONFIG_FILE') delete env[name];
  execFileSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--target',
      target,
      '--no-compile',
      '--disable-pip-version-check',
      '-q',
      '-r',
      requirements,
    ],
    { cwd: p.dir, env, stdio: 'ignore' },
  );
  return treeOf(target);
}

test('a host install copied from wheels equals pip install --target for every wheel shape, also after an edit', async (t) => {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'handler.py': 'def handler(event, context):\n    return 1\n',
    'copied.txt': 'plain\ndatafull\ncli\nnative\n',
    'withpip.txt': 'headers\nplain\n',
    'manifest.yml': manifest(),
  });
  writeCorpus(t, p);
  const pip = new PipRuns(t);
  const cold = await buildJson(p.dir, [], pip.env());
  assert.equal(cold.run.code, 0, cold.run.stderr);
  const runs = pip.runs();
  // Two sets, each resolved once; only the one with .data/headers is then installed by pip.
  assert.equal(runs.filter((r) => r.includes('--dry-run')).length, 2);
  const installs = runs.filter((r) => !r.includes('--dry-run'));
  assert.equal(installs.length, 1, JSON.stringify(runs));
  assert.ok(installs[0]!.some((a) => a.endsWith('withpip.txt')));

  const copied = depsOf(p.path('dist', 'copied.zip'));
  assertSameTree(copied, pipTree(t, p, 'copied.txt'), 'copied.txt');
  assertSameTree(depsOf(p.path('dist', 'withpip.zip')), pipTree(t, p, 'withpip.txt'), 'withpip.txt');
  // The shapes are really there: namespace packages, each .data scheme, scripts pip wrote.
  for (const file of ['nsp/one/__init__.py', 'nsp/two/__init__.py', 'dpure.py', 'dplat.py', 'bin/tool', 'bin/cli-tool'])
    assert.ok(copied.has(file), file);
  assert.ok(copied.has('share/datafull/doc.txt'));
  assert.ok(copied.has('native/speed.so') && copied.get('native/speed.so')!.exec);
  assert.ok(copied.has('plain-1.0.dist-info/REQUESTED') && !copied.has('nsone-1.0.dist-info/REQUESTED'));
  // Copied as compressed bytes: the zip holds the wheel's deflated data itself.
  assert.ok(
    sameStoredBytes(
      p.path('dist', 'copied.zip'),
      'plain/__init__.py',
      p.path('wheels', 'plain-1.0-py3-none-any.whl'),
      'plain/__init__.py',
    ),
  );

  // An edit adds a package: one resolve, no install, and the tree equals pip's and a clean build's.
  p.write('copied.txt', 'plain\ndatafull\ncli\nnative\nlate\n');
  pip.since();
  const edited = await buildJson(p.dir, [], pip.env());
  assert.equal(edited.run.code, 0, edited.run.stderr);
  assert.deepEqual(
    pip
      .runs()
      .slice(-1)
      .map((r) => r.includes('--dry-run')),
    [true],
  );
  assert.equal(pip.since(), 1);
  assertSameTree(depsOf(p.path('dist', 'copied.zip')), pipTree(t, p, 'copied.txt'), 'copied.txt after the edit');
  const incremental = execFileSync('sha256sum', [p.path('dist', 'copied.zip')], { encoding: 'utf8' }).split(' ')[0];
  rmSync(p.path('.juni'), { recursive: true, force: true });
  rmSync(p.path('dist'), { recursive: true, force: true });
  const clean = await buildJson(p.dir, [], pip.env());
  assert.equal(clean.run.code, 0, clean.run.stderr);
  const fresh = execFileSync('sha256sum', [p.path('dist', 'copied.zip')], { encoding: 'utf8' }).split(' ')[0];
  assert.equal(incremental, fresh, 'the edited build and a clean one give the same zip');
});
