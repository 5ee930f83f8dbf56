import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zipTime } from './timestamp.js';

test('defaults to 1980-01-01 00:00 in local fields, whatever the time zone', () => {
  const t = zipTime({});
  assert.deepEqual(
    [t.date.getFullYear(), t.date.getMonth(), t.date.getDate(), t.date.getHours(), t.date.getMinutes()],
    [1980, 0, 1, 0, 0],
  );
  assert.equal(t.label, '1980-01-01T00:00:00.000Z');
});

test('honours SOURCE_DATE_EPOCH as UTC', () => {
  const t = zipTime({ SOURCE_DATE_EPOCH: '1700000000' });
  assert.equal(t.label, '2023-11-14T22:13:20.000Z');
  assert.deepEqual([t.date.getFullYear(), t.date.getMonth(), t.date.getDate(), t.date.getHours()], [2023, 10, 14, 22]);
});

test('clamps epochs before 1980 and ignores garbage', () => {
  assert.equal(zipTime({ SOURCE_DATE_EPOCH: '5' }).label, '1980-01-01T00:00:00.000Z');
  assert.equal(zipTime({ SOURCE_DATE_EPOCH: 'yesterday' }).label, '1980-01-01T00:00:00.000Z');
});
