import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goGlob, hasWildcards } from './go-glob.js';

/** Cases from Go's path/filepath match_test.go (the ones that apply to '/'-separated names). */
const CASES: [pattern: string, name: string, match: boolean | 'bad'][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', 'bad'],
  ['[-]', '-', 'bad'],
  ['[x-]', 'x', 'bad'],
  ['[-x]', 'x', 'bad'],
  ['\\', 'a', 'bad'],
  ['[a-b-c]', 'a', 'bad'],
  ['[', 'a', 'bad'],
  ['[^', 'a', 'bad'],
  ['[^bc', 'a', 'bad'],
  ['a[', 'ab', 'bad'],
  ['*x', 'xxx', true],
];

test("Go's filepath.Match cases", () => {
  for (const [pattern, name, want] of CASES) {
    const re = goGlob(pattern);
    if (want === 'bad') assert.equal(re, undefined, `${pattern} is a bad pattern`);
    else assert.equal(re?.test(name), want, `${pattern} vs ${name}`);
  }
});

test('wildcards are seen unless escaped', () => {
  assert.equal(hasWildcards('src/app.py'), false);
  assert.equal(hasWildcards('src/*.py'), true);
  assert.equal(hasWildcards('file?'), true);
  assert.equal(hasWildcards('[ab]'), true);
  assert.equal(hasWildcards('a\\*b'), false);
});
