// Manifests and command lines that used to crash, hang or write files they should not: each now
// ends in a clear message (file:line:column where there is one), a hint and exit 2, with nothing
// written to the output folder or the cache. And YAML as juniper's PyYAML reads it: anchors,
// aliases, merge keys, and keys juniper ignored (a warning, not an error).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { buildJson, juni, type JsonReport, type JuniRun } from '../rig/juni.js';
import { tempProject, type Project } from '../rig/project.js';
import { zipNames } from '../rig/zip.js';

const FILES = { 'src/a.py': 'A = 1\n', 'src/b.py': 'B = 1\n', 'src/c.py': 'C = 1\n' };

/** Exit 2, every expected text, a hint, no stack trace, nothing in dist/ or .juni/. */
function assertRefused(p: Project, run: JuniRun, expected: RegExp[]): void {
  assert.equal(run.code, 2, run.stderr);
  for (const re of expected) assert.match(run.stderr, re);
  assert.match(run.stderr, /\n\s+hint: \S/);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.equal(existsSync(p.path('dist')), false, 'nothing in the output folder');
  assert.equal(existsSync(p.path('.juni')), false, 'nothing in the cache');
}

async function refuses(t: TestContext, manifest: string | Buffer, expected: RegExp[]): Promise<Project> {
  const p = tempProject(t, FILES);
  writeFileSync(p.path('manifest.yml'), manifest);
  assertRefused(p, await juni(['build'], { cwd: p.dir }), expected);
  return p;
}

const LOCAL = 'global: {executor: local}\n';

test('a function whose body is a string, a list or nothing is a diagnostic, not a crash', async (t) => {
  await refuses(t, `${LOCAL}functions:\n  api: "./src/a.py"\n  job: [./src/a.py]\n  empty:\n`, [
    /manifest\.yml:3:8 functions\.api must be a mapping of settings, not a single value/,
    /manifest\.yml:4:8 functions\.job must be a mapping of settings, not a list/,
    /manifest\.yml:5:3 function 'empty' has no include/,
    /3 problems in manifest\.yml/,
  ]);
});

test('anchors, aliases and merge keys build what PyYAML reads: own keys win, then earlier merged maps', async (t) => {
  const p = tempProject(t, {
    ...FILES,
    'manifest.yml': [
      'x-a: &a {include: [./src/a.py], executor: local}',
      'x-b: &b {include: [./src/b.py]}',
      'layers:',
      '  shared: {include: &files [./src/a.py, ./src/b.py], executor: local}',
      'functions:',
      '  merged: {<<: *a}',
      '  listed: {<<: [*b, *a]}',
      '  own:',
      '    <<: [*a, *b]',
      '    include: [./src/c.py]',
      '  aliased: *a',
      '  parts: {include: *files, executor: local}',
      '',
    ].join('\n'),
  });
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(report.nodes.map((n) => n.name).sort(), ['aliased', 'listed', 'merged', 'own', 'parts', 'shared']);
  assert.deepEqual(zipNames(p.path('dist', 'merged.zip')), ['a.py']);
  assert.deepEqual(zipNames(p.path('dist', 'listed.zip')), ['b.py']);
  assert.deepEqual(zipNames(p.path('dist', 'own.zip')), ['c.py']);
  assert.deepEqual(zipNames(p.path('dist', 'aliased.zip')), ['a.py']);
  assert.deepEqual(zipNames(p.path('dist', 'parts.zip')), ['a.py', 'b.py']);
  assert.deepEqual(zipNames(p.path('dist', 'shared.zip')), ['python/a.py', 'python/b.py']);
});

test('a problem in merged content points at the line where that content is written', async (t) => {
  await refuses(t, `x-a: &a {include: [./src/nope.py]}\n${LOCAL}functions:\n  one: {<<: *a}\n  two: *a\n`, [
    /manifest\.yml:1:20 include '\.\/src\/nope\.py' does not exist/,
    /1 problem in manifest\.yml/,
  ]);
});

/** juniper's tests/manifests/custom-docker-images.yml (eabglobal/juniper), plus `executor: local` to build offline. */
const JUNIPER_CUSTOM_IMAGES = `global:
  executor: local
  image: python:3.6-alpine
  include:
    - ./src/libs/
    - ./src/common/
  requirements: ./src/requirements.txt

functions:
  edge:
    image: python:3.8
    requirements: ./src/edge/requirements.txt
    include:
      - ./src/edge/

  sequential-worker:
    include:
      - ./src/worker/sequential_worker
`;

test("juniper's own test manifest builds, warning once per key juniper ignored, also from the memo", async (t) => {
  const p = tempProject(t, {
    'src/libs/lib.py': 'L = 1\n',
    'src/common/common.py': 'C = 1\n',
    'src/requirements.txt': '# nothing\n',
    'src/edge/handler.py': 'E = 1\n',
    'src/edge/requirements.txt': '# nothing\n',
    'src/worker/sequential_worker/handler.py': 'W = 1\n',
    'manifest.yml': JUNIPER_CUSTOM_IMAGES,
  });
  const expected = [
    { code: 'juniper-ignored-key', message: "manifest.yml:4:3 'global.include' is ignored; juniper ignored it too" },
    {
      code: 'juniper-ignored-key',
      message: "manifest.yml:7:3 'global.requirements' is ignored; juniper ignored it too",
    },
  ];
  // The third build reads the memo the second one wrote (the cache folder exists from the first).
  for (const build of [1, 2, 3]) {
    const { run, report } = await buildJson(p.dir, [], { PIP_NO_INDEX: '1' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((report as JsonReport & { warnings: unknown }).warnings, expected, `build ${build}`);
    assert.match(
      run.stderr,
      new RegExp(
        "warning: manifest\\.yml:4:3 'global\\.include' is ignored; juniper ignored it too\\n.*\\n.*\\n" +
          '\\s+hint: juniper and juni read include under each function or layer',
      ),
    );
    assert.equal(run.stderr.match(/^warning: /gm)?.length, 2, run.stderr);
    if (build === 2) assert.equal(readdirSync(p.path('.juni', 'manifests')).length, 1, 'the memo is written');
  }
  // As juniper packaged them: each function's own includes, nothing from global.
  assert.deepEqual(zipNames(p.path('dist', 'edge.zip')), ['edge/handler.py']);
  assert.deepEqual(zipNames(p.path('dist', 'sequential-worker.zip')), ['sequential_worker/handler.py']);
  // Plain output (not --json) shows them on stderr too.
  const plain = await juni(['build'], { cwd: p.dir });
  assert.equal(plain.stderr.match(/^warning: manifest\.yml:\d+:3 'global\./gm)?.length, 2, plain.stderr);
});

test('a typo of a key is still an error with a did-you-mean', async (t) => {
  await refuses(t, `${LOCAL}functions:\n  api:\n    incldue: [./src/a.py]\n`, [
    /manifest\.yml:4:5 unknown key 'incldue' in functions\.api\n[\s\S]*hint: did you mean 'include'\?/,
  ]);
});

test('a name that is not UTF-8 is refused at the bad byte', async (t) => {
  const manifest = Buffer.concat([
    Buffer.from(`${LOCAL}functions:\n  ap`),
    Buffer.from([0xe9]),
    Buffer.from('i:\n    include: [./src/a.py]\n'),
  ]);
  await refuses(t, manifest, [/manifest\.yml:3:5 byte 0xe9 is not valid UTF-8/, /hint: save the manifest as UTF-8/]);
});

test('names that differ only in case (functions and layers alike) are refused: one file on macOS and Windows', async (t) => {
  await refuses(
    t,
    `${LOCAL}functions:\n  Api: {include: [./src/a.py]}\n  api: {include: [./src/a.py]}\nlayers:\n  API: {include: [./src/a.py]}\n`,
    [
      /manifest\.yml:4:3 function 'api' and function 'Api' would write api\.zip and Api\.zip, one file on macOS and Windows/,
      /manifest\.yml:6:3 layer 'API' and function 'Api' would write/,
      /hint: their file systems ignore case/,
    ],
  );
});

test('a name too long for its zip file is refused before anything is written; the longest allowed builds', async (t) => {
  await refuses(t, `${LOCAL}functions:\n  ${'a'.repeat(300)}:\n    include: [./src/a.py]\n`, [
    /manifest\.yml:3:3 function name 'a{40}…' is 300 bytes long \(UTF-8\); a name may have at most 224/,
  ]);
  const p = tempProject(t, {
    ...FILES,
    'manifest.yml': `${LOCAL}functions:\n  ${'é'.repeat(112)}:\n    include: [./src/a.py]\n`,
  });
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(existsSync(p.path('dist', `${'é'.repeat(112)}.zip`)));
});

test('an output with a NUL, a name over 255 bytes, or below a file is a diagnostic, not a stack trace', async (t) => {
  const cases: [string, RegExp][] = [
    ['"./dist\\0x"', /manifest\.yml:2:11 global\.output '\.\/dist\\0x' contains a NUL character/],
    [`./${'d'.repeat(300)}`, /manifest\.yml:2:11 global\.output '\.\/d+…' has a name of 300 bytes/],
    [
      './src/a.py/dist',
      /manifest\.yml:2:11 the output folder '\.\/src\/a\.py\/dist' lies below 'src\/a\.py', which is a file/,
    ],
  ];
  for (const [output, expected] of cases) {
    await refuses(t, `global:\n  output: ${output}\n  executor: local\nfunctions:\n  api: {include: [./src/a.py]}\n`, [
      expected,
    ]);
  }
});

test('-m naming a FIFO is refused without reading it (no hang)', { timeout: 30_000 }, async (t) => {
  const p = tempProject(t, FILES);
  execFileSync('mkfifo', [p.path('fifo.yml')]);
  const run = await juni(['build', '-m', 'fifo.yml'], { cwd: p.dir });
  assertRefused(p, run, [/juni: the manifest fifo\.yml is a FIFO \(named pipe\), not a regular file/]);
});

test('-m into a folder juni may not enter is a clear permission error', async (t) => {
  const p = tempProject(t, FILES);
  p.write('locked/manifest.yml', `${LOCAL}functions:\n  api: {include: [../src/a.py]}\n`);
  // root passes every permission check: run juni as nobody, in a project nobody can reach.
  const asRoot = process.getuid?.() === 0;
  chmodSync(p.dir, 0o755);
  chmodSync(p.path('locked'), asRoot ? 0o700 : 0o000);
  const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
  try {
    for (const m of ['locked/manifest.yml', 'locked']) {
      const run = await juni(['build', '-m', m], { cwd: p.dir, ...(user ? { user } : {}) });
      assertRefused(p, run, [
        /juni: cannot read the manifest locked\/manifest\.yml: permission denied \(EACCES\)/,
        /hint: juni needs read access to the file and search \(x\) access to every folder above it/,
      ]);
    }
  } finally {
    chmodSync(p.path('locked'), 0o755); // so the temp project can be removed
  }
});

test(
  'requirements, pipconf or includes that are FIFOs or devices are refused by path and kind (no hang)',
  { timeout: 30_000 },
  async (t) => {
    const p = tempProject(t, FILES);
    execFileSync('mkfifo', [p.path('fifo')]);
    mkdirSync(p.path('reqs'));
    p.write(
      'manifest.yml',
      [
        'global: {executor: local, pipconf: ./fifo}',
        'functions:',
        '  api:',
        '    requirements: ./fifo',
        '    include: [./src/a.py, ./fifo, /dev/zero]',
        '  job:',
        '    requirements: ./reqs',
        '    include: [./src/a.py]',
        '',
      ].join('\n'),
    );
    assertRefused(p, await juni(['build'], { cwd: p.dir }), [
      /manifest\.yml:1:36 pipconf '\.\/fifo' is a FIFO \(named pipe\); juni reads only regular files\n[\s\S]*?hint: reading a FIFO/,
      /manifest\.yml:4:19 requirements '\.\/fifo' is a FIFO/,
      /manifest\.yml:5:27 include '\.\/fifo' is a FIFO \(named pipe\); juni reads only regular files and folders/,
      /manifest\.yml:5:35 include '\/dev\/zero' is a character device/,
      /manifest\.yml:7:19 functions\.job\.requirements '\.\/reqs' is a folder, expected a file\n/,
      /hint: name the file itself, e\.g\. 'reqs\/requirements\.txt'/,
      /5 problems in manifest\.yml/,
    ]);
  },
);

test('an unknown option or a missing value names the option, with a did-you-mean and the usage line only', async (t) => {
  const p = tempProject(t);
  const cases: [string[], RegExp[]][] = [
    [
      ['build', '--bogus'],
      [/^juni: unknown option '--bogus' for juni build\n  hint: juni --help lists every option\nusage: juni build /],
    ],
    [
      ['build', '--froce'],
      [/^juni: unknown option '--froce' for juni build\n  hint: did you mean '--force'\?\nusage: juni build /],
    ],
    [
      ['build', '-m'],
      [/^juni: option '-m' needs a value\n  hint: for example: -m manifest\.yml/, /usage: juni build /],
    ],
    [
      ['cache', 'prune', '--max-size'],
      [/^juni: option '--max-size' needs a value/, /usage: juni cache stats \| juni cache prune/],
    ],
  ];
  for (const [args, expected] of cases) {
    const run = await juni(args, { cwd: p.dir });
    assert.equal(run.code, 2, run.stderr);
    for (const re of expected) assert.match(run.stderr, re);
    assert.doesNotMatch(
      run.stderr,
      /Exit codes|Options:|To specify a positional argument/,
      "not the whole help, nor node's text",
    );
    assert.equal(run.stdout, '');
  }
});
