import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusedSoname } from '@juni/core';
import { parseFound } from './image-libraries.js';

test('refusedSoname lets file names through and refuses paths, options, hidden names and control characters', () => {
  for (const ok of ['libyaml-0.so.2', 'ld-linux-x86-64.so.2', 'libstdc++.so.6', 'lib with space.so', 'lib$x.so'])
    assert.equal(refusedSoname(ok), undefined, ok);
  for (const bad of [
    '',
    'a/b',
    '/lib/libc.so.6',
    '../libc.so.6',
    '-v',
    '--help',
    '.hidden',
    'a\nb',
    'a\tb',
    'a\u0000b',
  ])
    assert.notEqual(refusedSoname(bad), undefined, JSON.stringify(bad));
});

test('parseFound keeps well-formed lines for asked sonames, first answer wins, in the order asked', () => {
  const lines = [
    'noise from a profile script',
    'found\tlibc.so.6\t/lib/x86_64-linux-gnu/libc.so.6\t/usr/lib/x86_64-linux-gnu/libc.so.6',
    'found\tlibyaml-0.so.2\t/lib/libyaml-0.so.2\t/usr/lib/libyaml-0.so.2.0.9',
    'found\tlibyaml-0.so.2\t/other/libyaml-0.so.2\t/other/libyaml-0.so.2',
    'found\tlibnotasked.so\t/lib/libnotasked.so\t/lib/libnotasked.so',
    'found\tlibrel.so.1\trelative/librel.so.1\t/lib/librel.so.1',
    'found\tlibextra.so.1\t/lib/libextra.so.1\t/lib/libextra.so.1\tmore',
    '',
  ];
  assert.deepEqual(parseFound(lines, ['libyaml-0.so.2', 'librel.so.1', 'libextra.so.1', 'libc.so.6', 'libnope.so']), [
    { soname: 'libyaml-0.so.2', path: '/lib/libyaml-0.so.2', realPath: '/usr/lib/libyaml-0.so.2.0.9' },
    { soname: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6', realPath: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
  ]);
});
