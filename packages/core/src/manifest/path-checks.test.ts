import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Diagnostic } from '../diagnostics.js';
import { parseManifest } from './parse.js';

/** A project with a.py, a file, a src/ folder and a FIFO (mkfifo), removed when the test ends. */
function project(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'juni-paths-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'a.py'), 'x\n');
  writeFileSync(path.join(dir, 'afile.txt'), 'x\n');
  mkdirSync(path.join(dir, 'src'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  return dir;
}

function diagnostics(dir: string, source: string): Diagnostic[] {
  const result = parseManifest({ file: path.join(dir, 'manifest.yml'), displayFile: 'manifest.yml', source });
  assert.equal(result.ok, false, 'expected diagnostics');
  return result.ok ? [] : result.diagnostics;
}

const where = (list: Diagnostic[]) => list.map((d) => `${d.line}:${d.column} ${d.message}`);
const fn = 'functions:\n  api:\n    include: [./a.py]\n';

test('a FIFO, a device or a socket is refused by path and kind, before anything reads it', (t) => {
  const dir = project(t);
  const list = diagnostics(
    dir,
    'global:\n  pipconf: ./fifo\nfunctions:\n  api:\n    requirements: ./fifo\n    include: [./a.py, ./fifo, /dev/zero]\n',
  );
  assert.deepEqual(where(list), [
    "2:12 pipconf './fifo' is a FIFO (named pipe); juni reads only regular files",
    "6:23 include './fifo' is a FIFO (named pipe); juni reads only regular files and folders",
    "6:31 include '/dev/zero' is a character device; juni reads only regular files and folders",
    "5:19 requirements './fifo' is a FIFO (named pipe); juni reads only regular files",
  ]);
  for (const d of list) assert.match(d.hint, /could block the build or never end/);
});

test('a folder where a file is read says which file to name', (t) => {
  const dir = project(t);
  const list = diagnostics(
    dir,
    'global:\n  pipconf: ./src/\nfunctions:\n  api:\n    requirements: ./src\n    include: [./a.py]\n',
  );
  assert.deepEqual(
    list.map((d) => `${d.message} | ${d.hint}`),
    [
      "global.pipconf './src/' is a folder, expected a file | name the file itself, e.g. 'src/pip.conf'",
      "functions.api.requirements './src' is a folder, expected a file | name the file itself, e.g. 'src/requirements.txt'",
    ],
  );
});

test('an output with a NUL, with a name over 255 bytes, or below a file is refused with a hint', (t) => {
  const dir = project(t);
  const cases: [string, string][] = [
    ['"./dist\\0x"', "global.output './dist\\0x' contains a NUL character"],
    [`./${'d'.repeat(300)}`, "has a name of 300 bytes ('dddddddddddddddddddd…')"],
    ['./afile.txt/dist', "the output folder './afile.txt/dist' lies below 'afile.txt', which is a file"],
    ['./fifo', "the output folder './fifo' is a FIFO (named pipe); zips are written into a folder there"],
  ];
  for (const [output, message] of cases) {
    const list = diagnostics(dir, `global:\n  output: ${output}\n${fn}`);
    assert.equal(list.length, 1, JSON.stringify(list));
    assert.ok(list[0]?.message.includes(message), `${list[0]?.message} should include ${message}`);
    assert.equal(list[0]?.line, 2);
    assert.ok((list[0]?.hint ?? '').length > 0);
  }
});

test('a path below a file, and a NUL in an include, are reported as such', (t) => {
  const dir = project(t);
  assert.deepEqual(where(diagnostics(dir, 'functions:\n  api:\n    include: [./afile.txt/x.py, "./a\\0.py"]\n')), [
    "3:15 include './afile.txt/x.py' does not exist: a part of it is a file, not a folder",
    "3:33 include './a\\0.py' contains a NUL character",
  ]);
});
