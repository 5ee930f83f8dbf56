// juni deletes only what it wrote: the output folder loses only zips juni placed there, unsafe
// output folders are refused before anything runs, and `juni clean` removes juni's own files only.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildJson, juni } from '../rig/juni.js';
import { tempProject, type Project } from '../rig/project.js';

/** A folder outside the project with a file that must survive, removed when the test ends. */
function victim(t: TestContext): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-victim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'precious.txt');
  writeFileSync(file, 'do not delete');
  return { dir, file };
}

function project(t: TestContext, output: string, include = './src/handler.py'): Project {
  return tempProject(t, {
    'src/handler.py': 'def handler(e, c): return 1\n',
    'src/notes.txt': 'mine\n',
    'manifest.yml': `global: {executor: local, output: '${output}'}\nfunctions:\n  api:\n    include: ['${include}']\n`,
  });
}

/** Renames the one function, so the next build leaves api.zip behind as a zip to clean. */
function renameFunction(p: Project): void {
  p.write('manifest.yml', p.read('manifest.yml').replace('  api:', '  api2:'));
}

test('an output folder shared with other files keeps them; only the zip juni placed is cleaned', async (t) => {
  const outside = victim(t);
  const absolute = victim(t);
  for (const output of ['./src', '../' + path.basename(outside.dir), absolute.dir]) {
    const p = project(t, output);
    const dir = path.resolve(p.dir, output);
    const first = await buildJson(p.dir);
    assert.equal(first.run.code, 0, first.run.stderr);
    assert.ok(existsSync(path.join(dir, 'api.zip')), output);
    // A zip of the user's, never placed by juni, with an entry's name.
    writeFileSync(path.join(dir, 'api2-old.zip'), 'user zip');
    renameFunction(p);
    const second = await buildJson(p.dir);
    assert.equal(second.run.code, 0, second.run.stderr);
    assert.ok(!existsSync(path.join(dir, 'api.zip')), `${output}: juni's stale zip is cleaned`);
    assert.ok(existsSync(path.join(dir, 'api2.zip')));
    assert.ok(existsSync(path.join(dir, 'api2-old.zip')), `${output}: the user's zip stays`);
    assert.equal(p.read('src/notes.txt'), 'mine\n');
    assert.equal(p.read('src/handler.py'), 'def handler(e, c): return 1\n');
  }
  for (const v of [outside, absolute]) assert.ok(existsSync(v.file));
});

test('a dist symlink to another folder, and a zip the user changed, lose nothing', async (t) => {
  const target = victim(t);
  const p = project(t, './dist');
  symlinkSync(target.dir, p.path('dist'));
  assert.equal((await buildJson(p.dir)).run.code, 0);
  assert.ok(existsSync(path.join(target.dir, 'api.zip')));
  // The user overwrote juni's zip: it is no longer juni's to delete.
  writeFileSync(path.join(target.dir, 'api.zip'), 'edited by hand');
  renameFunction(p);
  assert.equal((await buildJson(p.dir)).run.code, 0);
  assert.deepEqual(readdirSync(target.dir).sort(), ['api.zip', 'api2.zip', 'precious.txt']);
});

test('unsafe output folders are refused with exit 2 before anything is written or deleted', async (t) => {
  const cases: {
    output: string;
    include?: string;
    setup?: (p: Project) => void;
    env?: NodeJS.ProcessEnv;
    message: RegExp;
  }[] = [
    { output: './src', include: './src/', message: /output folder '\.\/src' is the included folder '\.\/src\/'/ },
    { output: './src/sub', include: './src/', message: /lies inside the included folder '\.\/src\/'/ },
    {
      output: './target',
      setup: (p) => symlinkSync('.', p.path('target')),
      message: /'\.\/target' is the manifest('s)? folder/,
    },
    {
      output: './up',
      setup: (p) => symlinkSync('..', p.path('up')),
      message: /'\.\/up' (is the manifest folder or )?contains/,
    },
    { output: './.juni', message: /overlaps the cache folder/ },
    { output: './dist', env: { JUNI_CACHE_DIR: './dist/cache' }, message: /overlaps the cache folder/ },
  ];
  for (const c of cases) {
    const p = project(t, c.output, c.include);
    c.setup?.(p);
    const before = readdirSync(p.dir).sort();
    const run = await juni(['build'], { cwd: p.dir, env: { ...c.env } });
    assert.equal(run.code, 2, `${c.output}: ${run.stderr}`);
    assert.match(run.stderr, c.message, c.output);
    assert.match(run.stderr, /manifest\.yml:1:\d+ /, 'the diagnostic points into the manifest');
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(readdirSync(p.dir).sort(), before, `${c.output}: nothing written or deleted`);
    assert.deepEqual(readdirSync(p.path('src')).sort(), ['handler.py', 'notes.txt']);
  }
});

test("juni clean removes juni's zips and cache files only, also from a shared JUNI_CACHE_DIR", async (t) => {
  const shared = victim(t);
  const p = project(t, './dist');
  const env = { JUNI_CACHE_DIR: shared.dir };
  assert.equal((await buildJson(p.dir, [], env)).run.code, 0);
  p.write('dist/notes.txt', 'mine\n');
  mkdirSync(path.join(shared.dir, 'other-tool'));
  const run = await juni(['clean'], { cwd: p.dir, env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /removed 1 zip and the cache/);
  assert.deepEqual(readdirSync(p.path('dist')), ['notes.txt']);
  assert.deepEqual(readdirSync(shared.dir).sort(), ['other-tool', 'precious.txt']);
});
