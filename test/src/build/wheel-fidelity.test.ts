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
import { makeCorpusWheel, sameStoredBytes, treeOf, type TreeEntry } from '../rig/wheel-corpus.js';

/** A shared library from gcc: a real ELF file the native-library check reads. */
function compiledLibrary(t: TestContext): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-gcc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'speed.c'), 'int speed_add(int a, int b) { return a + b; }\n');
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', path.join(dir, 'speed.so'), path.join(dir, 'speed.c')]);
  return execFileSync('cat', [path.join(dir, 'speed.so')]);
}

/** Every shape of the corpus, into the project's wheelhouse. */
function writeCorpus(t: TestContext, p: Project): void {
  const wheels = p.path('wheels');
  const big = Array.from({ length: 4000 }, (_, i) => `VALUE_${i} = ${i * 7919}\n`).join('');
  makeCorpusWheel(wheels, {
    name: 'plain',
    files: {
      'plain/__init__.py': { data: big },
      'plain/stored.txt': { data: 'kept as it is\n', stored: true },
      'plain/run.sh': { data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
      'plain/no_type_bits': { data: 'mode without S_IFREG\n', mode: 0o755 },
    },
    requires: ['nsone', 'nstwo'],
  });
  makeCorpusWheel(wheels, { name: 'nsone', files: { 'nsp/one/__init__.py': 'ONE = 1\n' } });
  makeCorpusWheel(wheels, { name: 'nstwo', files: { 'nsp/two/__init__.py': 'TWO = 2\n' } });
  makeCorpusWheel(wheels, {
    name: 'datafull',
    files: {
      'datafull/__init__.py': 'D = 1\n',
      'datafull-1.0.data/purelib/dpure.py': 'P = 1\n',
      'datafull-1.0.data/platlib/dplat.py': 'Q = 1\n',
      'datafull-1.0.data/scripts/tool': { data: '#!python\nprint("tool")\n', mode: 0o100755 },
      'datafull-1.0.data/scripts/plain-tool': { data: '#!/bin/sh\necho plain\n', mode: 0o100755 },
      'datafull-1.0.data/data/share/datafull/doc.txt': 'documentation\n',
    },
  });
  makeCorpusWheel(wheels, {
    name: 'cli',
    files: {
      'cli/__init__.py': 'def go():\n    return 0\n',
      'cli/main.py': 'def run():\n    return 0\n',
      // setuptools' wrapper for the entry point: pip makes its own instead.
      'cli-1.0.data/scripts/cli-tool': { data: '#!python\nold wrapper\n', mode: 0o100755 },
    },
    entryPoints: '[console_scripts]\ncli-tool = cli.main:run\nsecond = cli:go\n\n[other.group]\nx = y:z\n',
  });
  makeCorpusWheel(wheels, {
    name: 'native',
    tag: 'py3-none-linux_x86_64',
    files: { 'native/__init__.py': 'N = 1\n', 'native/speed.so': { data: compiledLibrary(t), mode: 0o100755 } },
  });
  makeCorpusWheel(wheels, {
    name: 'headers',
    files: { 'headers/__init__.py': 'H = 1\n', 'headers-1.0.data/headers/headers.h': '#define H 1\n' },
  });
  makeCorpusWheel(wheels, { name: 'late', files: { 'late/__init__.py': 'L = 1\n' } });
}

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

/** The zip's tree without the function's own file. */
function depsOf(zip: string): Map<string, TreeEntry> {
  const tree = treeOf(zip);
  tree.delete('handler.py');
  return tree;
}

function assertSameTree(actual: Map<string, TreeEntry>, expected: Map<string, TreeEntry>, what: string): void {
  const sorted = (m: Map<string, TreeEntry>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(sorted(actual), sorted(expected), what);
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
