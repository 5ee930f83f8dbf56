import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanSource, filesNamedBy } from './context-sources.js';

const FILES = [
  'Dockerfile',
  'app/main.py',
  'app/lib/util.py',
  'apple.txt',
  'notes/a.md',
  'requirements.txt',
  'src/a.py',
  'src/b.txt',
  'src/sub/c.py',
];
const named = (...sources: string[]): string[] => [...filesNamedBy(FILES, sources)].sort();

test('sources are cleaned as Docker cleans them', () => {
  assert.equal(cleanSource('./src/'), 'src');
  assert.equal(cleanSource('/src'), 'src');
  assert.equal(cleanSource('.'), '');
  assert.equal(cleanSource('../../etc/passwd'), 'etc/passwd');
  assert.equal(cleanSource('a/../b'), 'b');
});

test('a file, a folder and the whole context', () => {
  assert.deepEqual(named('requirements.txt'), ['requirements.txt']);
  assert.deepEqual(named('./app'), ['app/lib/util.py', 'app/main.py']);
  assert.deepEqual(named('app/'), ['app/lib/util.py', 'app/main.py']);
  assert.deepEqual(named('.'), [...FILES].sort());
  assert.deepEqual(named('/'), [...FILES].sort());
  assert.deepEqual(named('missing'), []);
});

test('globs match files and folders without crossing a slash', () => {
  assert.deepEqual(named('src/*.py'), ['src/a.py']);
  assert.deepEqual(named('src/*'), ['src/a.py', 'src/b.txt', 'src/sub/c.py']);
  assert.deepEqual(named('app*'), ['app/lib/util.py', 'app/main.py', 'apple.txt']);
  assert.deepEqual(named('*.txt'), ['apple.txt', 'requirements.txt']);
  assert.deepEqual(named('s?c/sub'), ['src/sub/c.py']);
  assert.deepEqual(named('[ab]pp*'), ['app/lib/util.py', 'app/main.py', 'apple.txt']);
  assert.deepEqual(named('src/[', 'src/a.py'), ['src/a.py'], 'a bad pattern names nothing');
});
