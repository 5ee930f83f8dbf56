import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import tar from 'tar-stream';
import { RefusedZip, zipsToTar } from './zip-tar.js';

/** Zips written by Python's zipfile: entries as [name, unix mode or 0 (none recorded), text]. */
function zip(t: TestContext, entries: [string, number, string][]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-zip-tar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'z.zip');
  const script = [
    'import json, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1], "w") as z:',
    '    for name, mode, text in json.loads(sys.argv[2]):',
    '        info = zipfile.ZipInfo(name)',
    '        info.create_system = 3 if mode else 0',
    '        info.external_attr = mode << 16',
    '        z.writestr(info, text)',
  ].join('\n');
  execFileSync('python3', ['-c', script, file, JSON.stringify(entries)]);
  return file;
}

interface Item {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  text: string;
}

async function unpack(zips: string[]): Promise<Item[]> {
  const pack = tar.pack();
  const extract = tar.extract();
  const items: Item[] = [];
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      const { name, type, mode, uid, gid, mtime } = header;
      items.push({ name, type, mode, uid, gid, mtime: mtime.getTime(), text: Buffer.concat(chunks).toString() });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  pack.pipe(extract);
  await zipsToTar(zips, pack);
  await done;
  return items;
}

test('zipsToTar: folders first, root-owned, modes kept or defaulted, a later zip wins a path', async (t) => {
  const first = zip(t, [
    ['python/shared.py', 0o100644, 'first'],
    ['bin/tool', 0o100755, '#!/bin/sh'],
    ['plain.txt', 0, 'no mode'],
  ]);
  const second = zip(t, [['python/shared.py', 0o100600, 'second']]);
  const items = await unpack([first, second]);
  assert.deepEqual(
    items.map((i) => [i.name, i.type, i.mode.toString(8), i.text]),
    [
      ['bin', 'directory', '755', ''],
      ['python', 'directory', '755', ''],
      ['bin/tool', 'file', '755', '#!/bin/sh'],
      ['plain.txt', 'file', '644', 'no mode'],
      ['python/shared.py', 'file', '600', 'second'],
    ],
  );
  assert.ok(items.every((i) => i.uid === 0 && i.gid === 0));
  assert.equal(new Set(items.map((i) => i.mtime)).size, 1);
});

test('zipsToTar refuses links, absolute names and ..', async (t) => {
  for (const [name, mode] of [
    ['link', 0o120777],
    ['/etc/passwd', 0o100644],
    ['a/../../b', 0o100644],
  ] as const) {
    await assert.rejects(unpack([zip(t, [[name, mode, 'x']])]), RefusedZip, name);
  }
});
