// The project's boundary and secrets: includes and symlinks that lead outside the project are
// refused (allow_outside is the way out), and `include: ./` ships no dotfiles, VCS folders or pip.conf.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildJson, juni } from '../rig/juni.js';
import { tempProject } from '../rig/project.js';
import { zipNames } from '../rig/zip.js';

/** A folder beside the project holding secret.txt and a sub-folder, removed when the test ends. */
function outsideFolder(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-outside-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'secret.txt'), 'outside secret');
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'more.txt'), 'more');
  return dir;
}

const MANIFEST = (include: string, extra = ''): string =>
  `global: {executor: local${extra}}\nfunctions:\n  api:\n    include: ['./src/handler.py', '${include}']\n`;

test('includes outside the project and symlinks leading out of an included folder are refused', async (t) => {
  const outside = outsideFolder(t);
  const cases: { include: string; link?: [string, string]; message: RegExp }[] = [
    {
      include: `../${path.basename(outside)}/secret.txt`,
      message: /include '\.\.\/juni-outside-\w+\/secret\.txt' lies outside the project/,
    },
    { include: '/etc/passwd', message: /include '\/etc\/passwd' lies outside the project/ },
    {
      include: './lib/',
      link: ['lib/pw', '/etc/passwd'],
      message: /the symlink 'lib\/pw' in include '\.\/lib\/' points outside the project .* to \/etc\/passwd/,
    },
    {
      include: './lib/',
      link: ['lib/secret.txt', path.join(outside, 'secret.txt')],
      message: /symlink 'lib\/secret\.txt'/,
    },
    { include: './lib/', link: ['lib/vendor', path.join(outside, 'sub')], message: /symlink 'lib\/vendor'/ },
    { include: './lib/', link: ['lib/up', '../../..'], message: /symlink 'lib\/up'/ },
    {
      include: './linked',
      link: ['linked', path.join(outside, 'sub')],
      message: /include '\.\/linked' lies outside the project .*it resolves to/,
    },
  ];
  for (const c of cases) {
    const p = tempProject(t, {
      'src/handler.py': 'H = 1\n',
      'lib/util.py': 'U = 1\n',
      'manifest.yml': MANIFEST(c.include),
    });
    if (c.link) symlinkSync(c.link[1], p.path(c.link[0]));
    const run = await juni(['build'], { cwd: p.dir });
    assert.equal(run.code, 2, `${c.include} ${c.link?.join(' -> ') ?? ''}: ${run.stderr}`);
    assert.match(run.stderr, c.message);
    assert.match(run.stderr, /hint: .*allow_outside/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.throws(() => p.read('dist/api.zip'), 'no zip written');
  }
});

test('symlinks inside the project are followed; allow_outside packages a named outside folder on purpose', async (t) => {
  const outside = outsideFolder(t);
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    'shared/util.py': 'U = 1\n',
    'lib/own.py': 'O = 1\n',
    'manifest.yml': MANIFEST('./lib/', `, allow_outside: ['../${path.basename(outside)}']`),
  });
  symlinkSync('../shared/util.py', p.path('lib/util.py'));
  symlinkSync(path.join(outside, 'sub'), p.path('lib/vendor'));
  const { run } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(zipNames(p.path('dist/api.zip')), [
    'handler.py',
    'lib/own.py',
    'lib/util.py',
    'lib/vendor/more.txt',
  ]);
});

test('in a git work tree the project root is the tree: a manifest in a sub-folder may include a sibling folder', async (t) => {
  const repo = tempProject(t, {
    '.git/HEAD': 'ref: refs/heads/main\n',
    'common/util.py': 'U = 1\n',
    'services/api/handler.py': 'H = 1\n',
    'services/api/manifest.yml':
      "global: {executor: local}\nfunctions:\n  api:\n    include: ['./handler.py', '../../common/']\n",
  });
  const { run } = await buildJson(repo.path('services/api'));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(zipNames(repo.path('services/api/dist/api.zip')), ['common/util.py', 'handler.py']);
});

test(
  'include ./ leaves out top-level dotfiles, VCS folders at any depth and the pip.conf; ' +
    'deeper dotfiles stay as juniper had them',
  async (t) => {
    const p = tempProject(t, {
      'lambda_function.py': 'def lambda_handler(e, c): return 1\n',
      '.env': 'AWS_SECRET_ACCESS_KEY=x\n',
      '.git/config': '[remote "origin"]\n',
      '.github/workflows/ci.yml': 'on: push\n',
      'config/pip.conf': '[global]\nindex-url = http://user:hunter2@127.0.0.1:9/simple\n',
      'pkg/mod.py': 'M = 1\n',
      'pkg/.settings': 'kept\n',
      'pkg/vendored/.git/HEAD': 'x\n',
      'pkg/vendored/.hg/store': 'x\n',
      'pkg/vendored/.svn/entries': 'x\n',
      'manifest.yml':
        "global: {executor: local, pipconf: ./config/pip.conf}\nfunctions:\n  root:\n    include: ['./']\n",
    });
    const { run } = await buildJson(p.dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(zipNames(p.path('dist/root.zip')), ['lambda_function.py', 'pkg/.settings', 'pkg/mod.py']);
  },
);

test('credentials in a pip index URL reach neither the log, --json nor the cache', async (t) => {
  const p = tempProject(t, {
    // Port 9 on loopback refuses at once; pip prints the index it tried, and fails.
    'pip.conf': '[global]\nindex-url = http://ci-user:hunter2-secret@127.0.0.1:9/simple\nretries = 0\ntimeout = 2\n',
    'requirements.txt': 'absent-package\n',
    'src/handler.py': 'H = 1\n',
    'manifest.yml': [
      'global: {executor: local, pipconf: ./pip.conf}',
      'functions:',
      '  fn:',
      '    requirements: ./requirements.txt',
      "    include: ['./src/handler.py']",
      '',
    ].join('\n'),
  });
  const { run } = await buildJson(p.dir, ['--verbose']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr + run.stdout, /127\.0\.0\.1:9/, 'pip did print the index');
  const cache = ['cache.db', 'cache.db-wal'].map((f) => readFileIfAny(p.path('.juni', f))).join('');
  for (const [where, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
    ['cache', cache],
  ] as const) {
    assert.doesNotMatch(text, /hunter2-secret|ci-user/, `${where} holds the credentials`);
  }
});

function readFileIfAny(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}
