import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Diagnostic } from '../diagnostics.js';
import { parseManifest } from './parse.js';
import type { Manifest } from './types.js';

/** A project folder with the given files (a name ending in / is a folder), removed when the test ends. */
function project(t: TestContext, files: string[] = []): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'juni-manifest-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of files) {
    const abs = path.join(dir, name);
    if (name.endsWith('/')) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, 'x\n');
    }
  }
  return dir;
}

function parse(dir: string, source: string) {
  return parseManifest({ file: path.join(dir, 'manifest.yml'), displayFile: 'manifest.yml', source });
}

function valid(dir: string, source: string): Manifest {
  const result = parse(dir, source);
  assert.ok(result.ok, `expected a valid manifest, got ${JSON.stringify(result.ok ? [] : result.diagnostics)}`);
  return result.manifest;
}

function diagnostics(dir: string, source: string): Diagnostic[] {
  const result = parse(dir, source);
  assert.equal(result.ok, false, 'expected diagnostics');
  return result.ok ? [] : result.diagnostics;
}

/** `line:column message` of each diagnostic, for compact comparisons. */
const where = (list: Diagnostic[]) => list.map((d) => `${d.line}:${d.column} ${d.message}`);

test('a valid manifest: paths resolved against its folder, global settings inherited and extended', (t) => {
  const dir = project(t, ['src/api/', 'src/api/handler.py', 'shared.py', 'requirements.txt', 'docker/Dockerfile']);
  const manifest = valid(
    dir,
    [
      'global:',
      '  executor: local',
      '  exclude: ["*.md"]',
      '  output: ./build',
      'images:',
      '  builder:',
      '    dockerfile: ./docker/Dockerfile',
      '    args: { PY: 3.12 }',
      'layers:',
      '  base:',
      '    requirements: ./requirements.txt',
      'functions:',
      '  api:',
      '    include:',
      '      - ./src/api/',
      '      - ./shared.py',
      '      - ./',
      '    exclude: ["tests"]',
      '    executor: docker',
      '    image: builder',
      '    layers: [base]',
    ].join('\n'),
  );
  assert.equal(manifest.file, path.join(dir, 'manifest.yml'));
  assert.equal(manifest.dir, dir);
  assert.equal(manifest.output, path.join(dir, 'build'));
  assert.equal(manifest.outputSpec.spec, './build');
  assert.deepEqual(manifest.images, [
    {
      name: 'builder',
      dockerfile: path.join(dir, 'docker/Dockerfile'),
      context: dir,
      // A number keeps its source spelling.
      args: { PY: '3.12' },
      target: undefined,
      tag: undefined,
    },
  ]);
  const [base] = manifest.layers;
  assert.equal(base?.requirements, path.join(dir, 'requirements.txt'));
  assert.deepEqual(base?.settings, {
    executor: 'local',
    image: undefined,
    network: undefined,
    exclude: ['*.md'],
    keep: [],
    nativeLibs: 'check',
    runtimeLibs: [],
  });
  const [api] = manifest.functions;
  assert.ok(api);
  assert.deepEqual(api.settings, {
    executor: 'docker',
    image: 'builder',
    network: undefined,
    exclude: ['*.md', 'tests'],
    keep: [],
    nativeLibs: 'check',
    runtimeLibs: [],
  });
  assert.deepEqual(api.layers, ['base']);
  assert.deepEqual(
    api.includes.map(({ spec, path: p, kind, prefix }) => ({ spec, path: p, kind, prefix })),
    [
      { spec: './src/api/', path: path.join(dir, 'src/api'), kind: 'dir', prefix: 'api' },
      { spec: './shared.py', path: path.join(dir, 'shared.py'), kind: 'file', prefix: '' },
      { spec: './', path: dir, kind: 'dir', prefix: '' },
    ],
  );
  assert.deepEqual(api.pos, { line: 13, column: 3 });
  assert.deepEqual(api.includes[1]?.pos, { line: 16, column: 9 });
  // No python or architecture: neither is assumed.
  assert.equal(manifest.python, undefined);
  assert.equal(manifest.architecture, undefined);
});

test('python and architecture: one given implies the default of the other', (t) => {
  const dir = project(t, ['a.py']);
  const fn = 'functions:\n  api:\n    include: [./a.py]\n';
  const arm = valid(dir, `global:\n  architecture: arm64\n${fn}`);
  assert.deepEqual([arm.python, arm.architecture], ['3.12', 'arm64']);
  const py = valid(dir, `global:\n  python: 3.11\n${fn}`);
  assert.deepEqual([py.python, py.architecture], ['3.11', 'x86_64']);
  // An unquoted 3.10 is still "3.10", not 3.1.
  assert.equal(valid(dir, `global:\n  python: 3.10\n${fn}`).python, '3.10');
  const bad = diagnostics(dir, `global:\n  python: "2.7"\n${fn}`);
  assert.deepEqual(where(bad), [`2:11 global.python must be a Python 3 version like "3.12", not '2.7'`]);
  assert.equal(bad[0]?.hint, 'quote it: python: "3.12"');
});

test('a YAML syntax error is reported with its line, column and a hint, and nothing else is checked', (t) => {
  const dir = project(t);
  // An unclosed flow list; the function has no valid include and a.py does not exist, but that is not reported.
  assert.deepEqual(diagnostics(dir, 'functions:\n  api:\n    include: [./a.py\n  bogus: 1\n'), [
    {
      file: 'manifest.yml',
      line: 4,
      column: 3,
      message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      hint: 'check the indentation and the quoting on this line',
    },
  ]);
});

test('a duplicated key is a YAML error', (t) => {
  const dir = project(t, ['a.py']);
  const list = diagnostics(dir, 'functions:\n  api:\n    include: [./a.py]\n  api:\n    include: [./a.py]\n');
  assert.equal(list.length, 1);
  assert.match(list[0]?.message ?? '', /^YAML syntax error: Map keys must be unique/);
  assert.equal(list[0]?.line, 4);
});

test('an unknown key is reported where it is written, with a did-you-mean or the known keys', (t) => {
  const dir = project(t, ['a.py']);
  const list = diagnostics(dir, 'functions:\n  api:\n    includes: [./a.py]\n    include: [./a.py]\nextras: 1\n');
  assert.deepEqual(list, [
    {
      file: 'manifest.yml',
      line: 5,
      column: 1,
      message: "unknown key 'extras' in the manifest",
      hint: 'known keys: global, functions, layers, images, package',
    },
    {
      file: 'manifest.yml',
      line: 3,
      column: 5,
      message: "unknown key 'includes' in functions.api",
      hint: "did you mean 'include'?",
    },
  ]);
});

test('every problem of a manifest is collected, each with its place and hint', (t) => {
  const dir = project(t, ['src/handler.py', 'reqs/']);
  const list = diagnostics(
    dir,
    [
      'global:', // 1
      '  executor: lokal', // 2
      'layers:', // 3
      '  base:', // 4
      '    requirements: ./reqs', // 5
      'functions:', // 6
      '  api:', // 7
      '    include: [./src/hnadler.py]', // 8
      '    layers: [bse]', // 9
      '  worker:', // 10
      '    requirements: ./requirements.txt', // 11
      '  "../x":', // 12
      '    include: []', // 13
    ].join('\n'),
  );
  assert.deepEqual(where(list), [
    "2:13 global.executor must be one of local, docker, not 'lokal'",
    "5:19 layers.base.requirements './reqs' is a folder, expected a file",
    "8:15 include './src/hnadler.py' does not exist",
    "10:3 function 'worker' has no include",
    "11:19 requirements './requirements.txt' does not exist",
    "13:14 function '../x' has an empty include list",
    "12:3 function name '../x' contains a path separator; it becomes the zip's file name",
    "9:14 function 'api' lists layer 'bse', which is not defined under layers:",
  ]);
  const hint = (n: number) => list[n]?.hint ?? '';
  assert.equal(hint(0), "did you mean 'local'?");
  assert.equal(hint(2), `paths are relative to the manifest folder (${dir}); did you mean 'handler.py'?`);
  assert.equal(hint(4), `paths are relative to the manifest folder (${dir}); check the spelling`);
  assert.equal(hint(7), "did you mean 'base'?");
});

test('an empty manifest, and one without functions or layers', (t) => {
  const dir = project(t);
  assert.deepEqual(diagnostics(dir, '# nothing yet\n'), [
    {
      file: 'manifest.yml',
      line: 1,
      column: 1,
      message: 'the manifest is empty',
      hint: 'add a functions: or layers: section',
    },
  ]);
  assert.deepEqual(where(diagnostics(dir, 'global:\n  executor: local\n')), [
    '1:1 the manifest defines no functions and no layers',
  ]);
  assert.deepEqual(where(diagnostics(dir, '- a\n- b\n')), ['1:1 the manifest must be a mapping (key: value)']);
});

test("juniper's package: key, and a function and a layer with one name", (t) => {
  const dir = project(t, ['a.py']);
  const list = diagnostics(
    dir,
    'package:\n  output: ./dist\nlayers:\n  worker:\n    include: [./a.py]\nfunctions:\n  worker:\n    include: [./a.py]\n',
  );
  assert.deepEqual(list, [
    {
      file: 'manifest.yml',
      line: 1,
      column: 1,
      message: "'package' is no longer supported",
      hint: "move 'package.output' to 'global.output'",
    },
    {
      file: 'manifest.yml',
      line: 7,
      column: 3,
      message: "'worker' is both a function and a layer; both would write worker.zip",
      hint: 'rename one of them',
    },
  ]);
});

test('an output folder that holds the manifest, or that is a file, is refused', (t) => {
  const dir = project(t, ['a.py', 'out']);
  const fn = 'functions:\n  api:\n    include: [./a.py]\n';
  for (const output of ['./', '..', '.']) {
    const list = diagnostics(dir, `global:\n  output: "${output}"\n${fn}`);
    assert.deepEqual(where(list), [`2:11 global.output '${output}' is the manifest folder or contains it`]);
  }
  const file = diagnostics(dir, `global:\n  output: ./out\n${fn}`);
  assert.deepEqual(where(file), ["2:11 the output folder './out' is a file; zips are written into a folder there"]);
  assert.equal(file[0]?.hint, 'move the file away, or set global.output to another folder');
});

test('values of the wrong type are reported with the path of the setting', (t) => {
  const dir = project(t, ['a.py']);
  const list = diagnostics(
    dir,
    'global:\n  exclude: "*.md"\nfunctions:\n  api:\n    include: ./a.py\n    network: [host]\n  job: [1]\n',
  );
  assert.deepEqual(where(list), [
    '2:12 global.exclude must be a list',
    '5:14 functions.api.include must be a list',
    '6:14 functions.api.network must be a string',
    // Not also "has no include": the entry is not a mapping at all.
    '7:8 functions.job must be a mapping of settings, not a list',
  ]);
});

test("the run settings: a function's handler and limits over the global ones, environment merged", (t) => {
  const dir = project(t, ['app.py']);
  const manifest = valid(
    dir,
    [
      'global:',
      '  runtime_image: my/runtime:3.12',
      '  memory_size: 512',
      '  environment: { TABLE: orders, DEBUG: 1 }',
      'functions:',
      '  api:',
      '    handler: pkg/app.handler',
      '    timeout: 30',
      '    environment: { DEBUG: "0", STAGE: dev }',
      '    include: [./app.py]',
      '  plain:',
      '    include: [./app.py]',
    ].join('\n'),
  );
  const [api, plain] = manifest.functions;
  assert.deepEqual(api?.lambda, {
    handler: 'pkg/app.handler',
    runtimeImage: 'my/runtime:3.12',
    memorySize: 512,
    timeout: 30,
    environment: { TABLE: 'orders', DEBUG: '0', STAGE: 'dev' },
  });
  assert.deepEqual(plain?.lambda, {
    handler: undefined,
    runtimeImage: 'my/runtime:3.12',
    memorySize: 512,
    timeout: 3,
    environment: { TABLE: 'orders', DEBUG: '1' },
  });
});

test('run settings Lambda would refuse are reported where they are written', (t) => {
  const dir = project(t, ['app.py']);
  const found = where(
    diagnostics(
      dir,
      [
        'global:',
        '  memory_size: 64',
        '  handler: app.handler',
        'functions:',
        '  api:',
        '    handler: app',
        '    timeout: 901',
        '    environment: { AWS_REGION: eu-west-1, 9LIVES: x, LIST: [a] }',
        '    include: [./app.py]',
      ].join('\n'),
    ),
  );
  assert.deepEqual(found, [
    "3:3 unknown key 'handler' in global",
    "2:16 global.memory_size must be a whole number of MB from 128 to 10240 (Lambda's range), not '64'",
    "6:14 functions.api.handler must be module.function, as Lambda writes it, not 'app'",
    "7:14 functions.api.timeout must be a whole number of seconds from 1 to 900 (Lambda's range), not '901'",
    '8:20 functions.api.environment sets AWS_REGION, which Lambda reserves and sets itself',
    "8:43 functions.api.environment has '9LIVES', which Lambda does not accept as a variable name",
    '8:60 functions.api.environment.LIST must be a value (a string or a number), not a list or a mapping',
  ]);
});
