// Anchors, aliases and merge keys read as PyYAML (juniper's parser) reads them, and juniper's
// ignored keys: checked through parseManifest, as a user's manifest meets them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Diagnostic } from '../diagnostics.js';
import { parseManifest } from './parse.js';
import type { Manifest } from './types.js';

function project(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'juni-yaml-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['a.py', 'b.py', 'c.py', 'req.txt']) writeFileSync(path.join(dir, name), 'x\n');
  mkdirSync(path.join(dir, 'src'));
  return dir;
}

function parse(dir: string, lines: string[]) {
  return parseManifest({ file: path.join(dir, 'manifest.yml'), displayFile: 'manifest.yml', source: lines.join('\n') });
}

function valid(dir: string, lines: string[]): Manifest {
  const result = parse(dir, lines);
  assert.ok(result.ok, `expected a valid manifest, got ${JSON.stringify(result.ok ? [] : result.diagnostics)}`);
  return result.manifest;
}

function problems(dir: string, lines: string[]): string[] {
  const result = parse(dir, lines);
  assert.equal(result.ok, false, 'expected diagnostics');
  return result.ok ? [] : result.diagnostics.map((d: Diagnostic) => `${d.line}:${d.column} ${d.message}`);
}

/** name -> [include file names, image, executor] of every function. */
function summary(manifest: Manifest): Record<string, [string[], string | undefined, string]> {
  return Object.fromEntries(
    manifest.functions.map((f) => [
      f.name,
      [f.includes.map((i) => path.basename(i.path)), f.settings.image, f.settings.executor],
    ]),
  );
}

test('merge keys: explicit keys override merged ones, and earlier maps in a merge list win', (t) => {
  const dir = project(t);
  const manifest = valid(dir, [
    'x-base: &base {include: [./a.py], image: base-image, executor: local}',
    'x-other: &other {include: [./b.py], image: other-image}',
    'functions:',
    '  one:',
    '    <<: *base',
    '  two:',
    '    <<: *base',
    '    include: [./c.py]',
    '  three:',
    '    <<: [*other, *base]',
    '  four:',
    '    <<: [*base, *other]',
    '  five:',
    '    <<: {include: [./c.py], executor: local}',
  ]);
  // What PyYAML's safe_load gives for the same text.
  assert.deepEqual(summary(manifest), {
    one: [['a.py'], 'base-image', 'local'],
    two: [['c.py'], 'base-image', 'local'],
    three: [['b.py'], 'other-image', 'local'],
    four: [['a.py'], 'base-image', 'local'],
    five: [['c.py'], undefined, 'local'],
  });
  assert.deepEqual(manifest.warnings, [], 'top-level keys holding used anchors are not typos');
});

test('aliases work anywhere: a whole entry, a list, a scalar, a merge source that merges itself', (t) => {
  const dir = project(t);
  const manifest = valid(dir, [
    'global: {executor: &exec local}',
    'functions:',
    '  api: &api',
    '    include: &files [./a.py, ./b.py]',
    '    requirements: &req ./req.txt',
    '  api2: *api',
    '  worker:',
    '    include: *files',
    '    requirements: *req',
    '    executor: *exec',
    '  nested:',
    '    <<: &mid',
    '      <<: *api',
    '      image: mid',
  ]);
  assert.deepEqual(summary(manifest), {
    api: [['a.py', 'b.py'], undefined, 'local'],
    api2: [['a.py', 'b.py'], undefined, 'local'],
    worker: [['a.py', 'b.py'], undefined, 'local'],
    nested: [['a.py', 'b.py'], 'mid', 'local'],
  });
  assert.equal(manifest.functions[3]?.requirements, path.join(dir, 'req.txt'));
  // An aliased entry is still its own entry, at its own key.
  assert.deepEqual(manifest.functions[1]?.pos, { line: 6, column: 3 });
});

test('a problem in merged or aliased content is reported once, where that content is written', (t) => {
  const dir = project(t);
  assert.deepEqual(
    problems(dir, [
      'x-base: &base',
      '  include: [./nope.py]',
      'functions:',
      '  one: {<<: *base}',
      '  two: *base',
      '  three: {<<: *base, include: [./a.py]}',
    ]),
    ["2:13 include './nope.py' does not exist"],
  );
});

test('a merge of something that is not a mapping, and an alias inside its own anchor, are reported', (t) => {
  const dir = project(t);
  assert.deepEqual(
    problems(dir, [
      'x-list: &list [./a.py]',
      'functions:',
      '  one:',
      '    <<: *list',
      '    include: [./a.py]',
      '  two:',
      '    <<: [{executor: local}, 5]',
      '    include: [./a.py]',
      '  three: &loop',
      '    include: [./a.py]',
      '    <<: *loop',
    ]),
    [
      '4:9 a merge key (<<) takes a mapping or a list of mappings',
      '7:29 a merge key (<<) takes a mapping or a list of mappings',
      '11:9 this alias refers to a node that contains it',
    ],
  );
});

test("a quoted '<<' is an ordinary key, so an unknown one", (t) => {
  const dir = project(t);
  assert.deepEqual(problems(dir, ['functions:', '  one:', '    "<<": {include: [./a.py]}', '    include: [./a.py]']), [
    "3:5 unknown key '<<' in functions.one",
  ]);
});

test("keys juniper ignored are warnings (its own test manifest's global.include), other unknown keys errors", (t) => {
  const dir = project(t);
  const manifest = valid(dir, [
    'global:',
    '  include: [./src/]',
    '  requirements: ./req.txt',
    'functions:',
    '  api:',
    '    include: [./a.py]',
    '    output: ./elsewhere',
    '    pipconf: ./pip.conf',
  ]);
  assert.deepEqual(
    manifest.warnings?.map((w) => `${w.line}:${w.column} ${w.code} ${w.message}`),
    [
      "2:3 juniper-ignored-key 'global.include' is ignored; juniper ignored it too",
      "3:3 juniper-ignored-key 'global.requirements' is ignored; juniper ignored it too",
      "7:5 juniper-ignored-key 'functions.api.output' is ignored; juniper ignored it too",
      "8:5 juniper-ignored-key 'functions.api.pipconf' is ignored; juniper ignored it too",
    ],
  );
  assert.match(manifest.warnings?.[0]?.hint ?? '', /read include under each function or layer/);
  // Ignored means ignored: no path was checked, no include added.
  assert.deepEqual(summary(manifest), { api: [['a.py'], undefined, 'docker'] });

  const result = parse(dir, [
    'defaults: {executor: local}',
    'functions:',
    '  api:',
    '    incldue: [./a.py]',
    '    include: [./a.py]',
    '    python: "3.12"',
    '  job:',
    '    include: [./a.py]',
    '    dockerfile: ./Dockerfile',
  ]);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message} | ${d.hint}`),
    [
      "1:1 unknown key 'defaults' in the manifest | known keys: global, functions, layers, images, package",
      "4:5 unknown key 'incldue' in functions.api | did you mean 'include'?",
      "6:5 unknown key 'python' in functions.api | 'python' is read under global",
      "9:5 unknown key 'dockerfile' in functions.job | 'dockerfile' is read under each image",
    ],
  );
});
