// Bad manifests: exit 2, every problem with file:line:col and a hint, nothing written anywhere.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { juni } from '../rig/juni.js';
import { tempProject } from '../rig/project.js';

async function rejects(t: TestContext, manifest: string, expected: RegExp[]): Promise<string> {
  const p = tempProject(t, {
    'src/a.py': 'A = 1\n',
    'src/handler.py': 'H = 1\n',
    'requirements.txt': '\n',
    'manifest.yml': manifest,
  });
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 2, run.stderr);
  for (const re of expected) assert.match(run.stderr, re);
  assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
  assert.equal(existsSync(p.path('dist')), false, 'nothing in the output folder');
  assert.equal(existsSync(p.path('.juni')), false, 'nothing in the cache');
  return run.stderr;
}

test('a missing include names the path, its line and column, with the line underneath', async (t) => {
  const stderr = await rejects(
    t,
    'global: {executor: local}\nfunctions:\n  api:\n    include:\n      - ./src/hnadler.py\n',
    [
      /manifest\.yml:5:9 include '\.\/src\/hnadler\.py' does not exist/,
      /5 \|       - \.\/src\/hnadler\.py/,
      /hint: .*did you mean 'handler\.py'\?/,
    ],
  );
  assert.match(stderr, /1 problem in manifest\.yml; nothing was built/);
});

test('every problem is reported at once, each at its place', async (t) => {
  await rejects(
    t,
    [
      'package:',
      '  output: ./out',
      'global:',
      '  executor: lokal',
      'functions:',
      '  api:',
      '    includes: [./src]',
      '    requirements: ./missing.txt',
      '  ../x:',
      '    include: [./src]',
      '  a/b:',
      '    include: 5',
      '  worker:',
      '    include: [./src]',
      '    layers: [bse]',
      'layers:',
      '  worker:',
      '    include: [./src]',
      '',
    ].join('\n'),
    [
      /manifest\.yml:1:1 'package' is no longer supported\n[\s\S]*hint: move 'package\.output' to 'global\.output'/,
      /manifest\.yml:4:13 global\.executor must be one of local, docker, not 'lokal'/,
      /manifest\.yml:6:3 function 'api' has no include/,
      /manifest\.yml:7:5 unknown key 'includes' in functions\.api\n[\s\S]*?hint: did you mean 'include'\?/,
      /manifest\.yml:8:19 requirements '\.\/missing\.txt' does not exist/,
      /manifest\.yml:9:3 function name '\.\.\/x' contains a path separator/,
      /manifest\.yml:11:3 function name 'a\/b' contains a path separator/,
      /manifest\.yml:12:14 functions\.a\/b\.include must be a list/,
      /manifest\.yml:13:3 'worker' is both a function and a layer; both would write worker\.zip/,
      /manifest\.yml:15:14 function 'worker' lists layer 'bse', which is not defined under layers:/,
      /10 problems in manifest\.yml/,
    ],
  );
});

test('a YAML syntax error points at the line', async (t) => {
  await rejects(t, 'functions:\n  api:\n    include: [./src\n', [/manifest\.yml:4:1 YAML syntax error/]);
});

test('an empty name, an empty include list and an output folder that holds the project are refused', async (t) => {
  await rejects(
    t,
    'global: {output: ./, executor: local}\nfunctions:\n  "":\n    include: [./src]\n  b:\n    include: []\n',
    [
      /global\.output '\.\/' is the manifest folder or contains it/,
      /function name '' is empty/,
      /function 'b' has an empty include list/,
    ],
  );
});

test('--json prints the diagnostics as data', async (t) => {
  const p = tempProject(t, { 'manifest.yml': 'functions:\n  api:\n    include: [./nope]\n' });
  const run = await juni(['build', '--json'], { cwd: p.dir });
  assert.equal(run.code, 2);
  const out = JSON.parse(run.stdout) as {
    ok: boolean;
    diagnostics: { file: string; line: number; column: number; message: string; hint?: string }[];
  };
  assert.equal(out.ok, false);
  assert.deepEqual(
    out.diagnostics.map(({ file, line, column, message }) => ({ file, line, column, message })),
    [{ file: 'manifest.yml', line: 3, column: 15, message: "include './nope' does not exist" }],
  );
});

test('no manifest, an unknown flag and a bad flag value are usage errors', async (t) => {
  const p = tempProject(t);
  const none = await juni(['build'], { cwd: p.dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no manifest found \(looked for .*manifest\.yml, .*manifest\.yaml\)/);
  const flag = await juni(['build', '--bogus'], { cwd: p.dir });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option '--bogus' for juni build/);
  const bad = await juni(['build', '--concurrency', 'zero'], { cwd: p.dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--concurrency must be a whole number/);
});

test('an output folder that is a file is reported at global.output, before anything is written', async (t) => {
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    out: 'not a folder\n',
    'manifest.yml': 'global:\n  executor: local\n  output: ./out\nfunctions:\n  api: {include: [./src/handler.py]}\n',
  });
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /manifest\.yml:3:11 the output folder '\.\/out' is a file; zips are written into a folder there/,
  );
  assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
  assert.equal(existsSync(p.path('.juni')), false, 'nothing in the cache');
  assert.equal(p.read('out'), 'not a folder\n');
});

test('-m takes a folder (its manifest.yml), and a folder without one is a clear usage error', async (t) => {
  const p = tempProject(t, {
    'svc/src/handler.py': 'H = 1\n',
    'svc/manifest.yml': 'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n',
    'empty/.keep': '',
  });
  const ok = await juni(['build', '-m', 'svc'], { cwd: p.dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(existsSync(p.path('svc', 'dist', 'api.zip')));
  const none = await juni(['build', '-m', 'empty'], { cwd: p.dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no manifest found \(looked for .*empty\/manifest\.yml, .*empty\/manifest\.yaml\)/);
});

test('a cache folder that cannot be created is a clear error with exit 2, not a crash', async (t) => {
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    'manifest.yml': 'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n',
  });
  const run = await juni(['build'], { cwd: p.dir, env: { JUNI_CACHE_DIR: p.path('src', 'handler.py', 'cache') } });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /cannot use the cache folder .*handler\.py\/cache: ENOTDIR/);
  assert.match(run.stderr, /hint: a file is where juni needs a folder/);
  assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
});

test('a folder where a zip goes fails that entry with the path and a hint, not as a bug in juni', async (t) => {
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    'dist/api.zip/keep.txt': 'x\n',
    'manifest.yml':
      'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n  web: {include: [./src/handler.py]}\n',
  });
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout + run.stderr, /EISDIR: cannot write .*dist\/api\.zip/);
  assert.match(run.stdout + run.stderr, /hint: a folder is where juni needs a file/);
  assert.doesNotMatch(run.stdout + run.stderr, /bug in juni/);
  assert.ok(existsSync(p.path('dist', 'web.zip')), 'the other entry still builds');
});

test('a malformed environment variable the build depends on stops it before anything is written', async (t) => {
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    'manifest.yml': 'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n',
  });
  const cases: [NodeJS.ProcessEnv, string[], RegExp][] = [
    [
      { SOURCE_DATE_EPOCH: '2024-01-01' },
      ['build'],
      /SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '2024-01-01'/,
    ],
    [
      { JUNI_CACHE_MAX_SIZE: 'lots' },
      ['build', '--watch'],
      /JUNI_CACHE_MAX_SIZE must be a size like 500MB or 2GB, not 'lots'/,
    ],
    [
      { JUNI_REMOTE_CACHE_URL: 'cache.internal:3000' },
      ['build', '--dry-run'],
      /JUNI_REMOTE_CACHE_URL must be an http:\/\/ or https:\/\/ address/,
    ],
    [{}, ['build', '--remote-cache', 'readwrite'], /--remote-cache readwrite needs a server, and none is set/],
    [{ SOURCE_DATE_EPOCH: 'x' }, ['why', 'api'], /SOURCE_DATE_EPOCH must be whole seconds/],
    // Values of the right form that Node, SQLite or the zip format cannot hold: refused, not a crash.
    [{ SOURCE_DATE_EPOCH: '99999999999999' }, ['build'], /SOURCE_DATE_EPOCH must be whole seconds.*\n.*2107/],
    [{ JUNI_CACHE_WAIT: '3000000' }, ['clean'], /JUNI_CACHE_WAIT must be a number of seconds from 0 to 86400/],
    [
      { JUNI_REMOTE_CACHE_URL: 'http://user:p%zz@127.0.0.1:9' },
      ['build'],
      /JUNI_REMOTE_CACHE_URL must be an http:\/\/ or https:\/\/ address with a host, not 'http:\/\/\*\*\*@127\.0\.0\.1:9'/,
    ],
  ];
  for (const [env, args, expected] of cases) {
    const run = await juni(args, { cwd: p.dir, env });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, expected);
    assert.match(run.stderr, /hint: /);
    assert.doesNotMatch(run.stderr, /internal error|p%zz/);
  }
  const json = await juni(['build', '--json'], {
    cwd: p.dir,
    env: { SOURCE_DATE_EPOCH: 'x', JUNI_CACHE_MAX_SIZE: 'y' },
  });
  assert.equal(json.code, 2);
  const parsed = JSON.parse(json.stdout) as { ok: boolean; message: string };
  assert.equal(parsed.ok, false);
  assert.match(parsed.message, /SOURCE_DATE_EPOCH.*; JUNI_CACHE_MAX_SIZE/);
  assert.equal(existsSync(p.path('.juni')), false, 'nothing in the cache');
  assert.equal(existsSync(p.path('dist')), false, 'nothing in the output folder');
});

test(
  'a cache folder on a file system that refuses folders (procfs) is an error, not a hang',
  { timeout: 30_000 },
  async (t) => {
    const p = tempProject(t, {
      'src/handler.py': 'H = 1\n',
      'manifest.yml': 'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n',
    });
    const run = await juni(['build'], { cwd: p.dir, env: { JUNI_CACHE_DIR: '/proc/juni-test/cache' } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /cannot use the cache folder \/proc\/juni-test\/cache: ENOENT: cannot mkdir \/proc\/juni-test/,
    );
    assert.match(run.stderr, /hint: this file system does not let juni create that folder/);
  },
);
