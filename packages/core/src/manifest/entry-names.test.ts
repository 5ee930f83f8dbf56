import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseManifest } from './parse.js';
import { MAX_NAME_BYTES } from './schema.js';

function project(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'juni-names-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'a.py'), 'x\n');
  return dir;
}

function problems(dir: string, source: string): string[] {
  const result = parseManifest({ file: path.join(dir, 'manifest.yml'), displayFile: 'manifest.yml', source });
  return result.ok ? [] : result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
}

const entry = (name: string) => `  ${JSON.stringify(name)}: {include: [./a.py]}\n`;

test('names that differ only in case are one zip on macOS and Windows: refused across functions and layers', (t) => {
  const dir = project(t);
  assert.deepEqual(
    problems(dir, `functions:\n${entry('Api')}${entry('api')}layers:\n${entry('API')}${entry('worker')}`),
    [
      "3:3 function 'api' and function 'Api' would write api.zip and Api.zip, one file on macOS and Windows",
      "5:3 layer 'API' and function 'Api' would write API.zip and Api.zip, one file on macOS and Windows",
    ],
  );
  // Unicode normalization too (macOS): é precomposed and e + combining accent.
  assert.equal(problems(dir, `functions:\n${entry('caf\u00e9')}${entry('cafe\u0301')}`).length, 1);
  assert.deepEqual(problems(dir, `functions:\n${entry('api')}${entry('api-v2')}`), []);
});

test(`a name may have ${MAX_NAME_BYTES} bytes of UTF-8, so that its zip and the zip's temp file fit a file name`, (t) => {
  const dir = project(t);
  assert.deepEqual(problems(dir, `functions:\n${entry('a'.repeat(MAX_NAME_BYTES))}`), []);
  assert.deepEqual(problems(dir, `functions:\n${entry('a'.repeat(MAX_NAME_BYTES + 1))}`), [
    `2:3 function name '${'a'.repeat(40)}…' is ${MAX_NAME_BYTES + 1} bytes long (UTF-8); ` +
      `a name may have at most ${MAX_NAME_BYTES}; it becomes the zip's file name`,
  ]);
  // Bytes, not characters: 'é' is two.
  assert.equal(problems(dir, `functions:\n${entry('é'.repeat(MAX_NAME_BYTES / 2 + 1))}`).length, 1);
  // The temp file written beside the zip (session/output-folder.ts) with the longest pid still fits.
  assert.equal(Buffer.byteLength(`.${'a'.repeat(MAX_NAME_BYTES)}.zip.juni-4194304-0123abcd.tmp`), 255);
});

test('a lone surrogate and DEL are refused like the other characters no file name should hold', (t) => {
  const dir = project(t);
  assert.deepEqual(problems(dir, 'functions:\n  "ap\\ud800i": {include: [./a.py]}\n'), [
    `2:3 function name 'ap\ud800i' contains a lone UTF-16 surrogate (an escape like "\\ud800"), ` +
      "which no file name can hold; it becomes the zip's file name",
  ]);
  assert.equal(problems(dir, 'functions:\n  "ap\\x7fi": {include: [./a.py]}\n').length, 1);
});
