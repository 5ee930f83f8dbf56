import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSize } from './size.js';

test('parseSize reads bytes, and K, M and G units in powers of 1024, in any case and spelling', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1048576', 1048576],
    ['12b', 12],
    ['1k', 1024],
    ['2KB', 2048],
    ['3KiB', 3072],
    ['500MB', 500 * 1024 ** 2],
    ['10 MiB', 10 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['5gb', 5 * 1024 ** 3],
    ['1GiB', 1024 ** 3],
    ['  7m  ', 7 * 1024 ** 2],
  ];
  for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
});

test('parseSize rounds fractional sizes to whole bytes', () => {
  assert.equal(parseSize('1.5k'), 1536);
  assert.equal(parseSize('0.5G'), 512 * 1024 ** 2);
  assert.equal(parseSize('1.0001k'), 1024);
  assert.equal(parseSize('2.5'), 3);
});

test('parseSize gives undefined for what is not a size', () => {
  for (const text of ['', 'MB', 'lots', '-1', '-5MB', '2TB', '1.5.5', '.5G', '5 G B', '1e3', '0x10', '10 mbit']) {
    assert.equal(parseSize(text), undefined, `'${text}'`);
  }
});
