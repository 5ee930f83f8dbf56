import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writePack } from './pack.js';
import { zipTime } from './timestamp.js';
import { writeZip, type ZipSource } from './zip-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'juni-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const text = Array.from({ length: 400 }, (_, i) => `def f${i}(x):\n    return x * ${i}\n`).join('');
writeFileSync(path.join(dir, 'a.py'), text);
writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(path.join(dir, 'empty'), '');
const file = (archivePath: string, name: string, exec = false): ZipSource => ({
  kind: 'file',
  archivePath,
  absPath: path.join(dir, name),
  size: readFileSync(path.join(dir, name)).length,
  exec,
});

test('writes a zip that Info-ZIP and Python read back, sorted, with fixed times and modes', async () => {
  const dest = path.join(dir, 'out.zip');
  await writeZip([file('b/tool', 'tool', true), file('a.py', 'a.py'), file('empty', 'empty')], dest, zipTime({}));
  execFileSync('unzip', ['-tq', dest]);
  const listing = execFileSync(
    'python3',
    [
      '-c',
      `
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), i.date_time, i.compress_type, len(z.read(i)))
`,
      dest,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(
    listing,
    [
      `a.py 0o100644 (1980, 1, 1, 0, 0, 0) 8 ${text.length}`,
      'b/tool 0o100755 (1980, 1, 1, 0, 0, 0) 0 10',
      'empty 0o100644 (1980, 1, 1, 0, 0, 0) 0 0',
      '',
    ].join('\n'),
  );
});

test('an entry copied raw from a pack gives the same bytes as compressing the file', async () => {
  const pack = path.join(dir, 'deps.pack');
  const { entries } = await writePack([{ path: 'a.py', absPath: path.join(dir, 'a.py'), size: text.length }], pack);
  const e = entries[0]!;
  const fromPack: ZipSource = {
    kind: 'packed',
    archivePath: 'a.py',
    exec: false,
    pack,
    offset: e.offset,
    compressedSize: e.compressedSize,
    size: text.length,
    crc32: e.crc32,
    method: e.method,
  };
  const one = await writeZip([fromPack, file('tool', 'tool', true)], path.join(dir, 'one.zip'), zipTime({}));
  const two = await writeZip(
    [file('a.py', 'a.py'), file('tool', 'tool', true)],
    path.join(dir, 'two.zip'),
    zipTime({}),
  );
  assert.ok(one.ok && two.ok);
  assert.equal(one.sha256, two.sha256);
  assert.ok(e.compressedSize < text.length / 3, 'source text deflates');
});

test('a file that changed size since planning fails the write instead of zipping the wrong bytes', async () => {
  const stale: ZipSource = { ...file('a.py', 'a.py'), size: 3 };
  const written = await writeZip([stale], path.join(dir, 'bad.zip'), zipTime({}));
  assert.deepEqual(written, {
    ok: false,
    problem: { reason: 'input-changed', path: stale.kind === 'file' ? stale.absPath : '', change: 'changed size' },
  });
  assert.equal(existsSync(path.join(dir, 'bad.zip')), false, 'nothing is left at the destination');
});

test('a deleted input is an input-changed result, not a throw', async () => {
  const gone: ZipSource = {
    kind: 'file',
    archivePath: 'b.py',
    absPath: path.join(dir, 'no-such-file.py'),
    size: 1,
    exec: false,
  };
  const written = await writeZip([gone], path.join(dir, 'gone.zip'), zipTime({}));
  assert.equal(written.ok, false);
  assert.deepEqual(!written.ok && written.problem, {
    reason: 'input-changed',
    path: path.join(dir, 'no-such-file.py'),
    change: 'vanished',
  });
});
