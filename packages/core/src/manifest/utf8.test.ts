import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, firstInvalidByte } from './utf8.js';

test('valid UTF-8 decodes, a byte-order mark dropped', () => {
  assert.deepEqual(decodeUtf8(Buffer.from('\ufeffa: é😀\n')), { ok: true, text: 'a: é😀\n' });
});

test('the first invalid byte is found with its line and column', () => {
  // 'ap' + Latin-1 é (0xe9) + 'i' on line 3.
  const bytes = Buffer.concat([Buffer.from('functions:\n  # é\n  ap'), Buffer.from([0xe9]), Buffer.from('i:\n')]);
  const result = decodeUtf8(bytes);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual([result.byte, result.line, result.column], [0xe9, 3, 5]);
  assert.match(result.text, /ap\ufffdi:/);
});

test('overlong forms, surrogates, code points past U+10FFFF and cut sequences are invalid', () => {
  assert.equal(firstInvalidByte(Buffer.from([0x61, 0xc0, 0xaf])), 1); // overlong '/'
  assert.equal(firstInvalidByte(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1); // U+D800
  assert.equal(firstInvalidByte(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // U+110000
  assert.equal(firstInvalidByte(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2); // '€' cut short
  assert.equal(firstInvalidByte(Buffer.from('€𝄞', 'utf8')), 7);
});
