import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import tar from 'tar-stream';
import { packContext } from './build-context.js';

/** A stand-in for xxhash64: the hex of the byte count is enough to tell edited bytes apart here. */
const countingHash = () => {
  let n = 0;
  return { update: (chunk: Uint8Array) => void (n += chunk.length), digest: () => n.toString(16) };
};

test('the context tar holds exactly the planned files and the Dockerfile; bytes unlike the key are reported', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-ctx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM x\nCOPY a.txt /\n');
  writeFileSync(path.join(dir, 'a.txt'), 'hello');
  writeFileSync(path.join(dir, 'b.txt'), 'not named');
  const spec = {
    name: 'img',
    dockerfile: path.join(dir, 'Dockerfile'),
    context: dir,
    args: {},
    target: undefined,
    tag: undefined,
  };
  const changed: string[] = [];
  // The key says a.txt had 4 bytes: it has 5 now (edited after planning).
  const stream = packContext(spec, [{ absPath: path.join(dir, 'a.txt'), relPath: 'a.txt', xxh64: (4).toString(16) }], {
    hash: countingHash,
    dockerfile: Buffer.byteLength('FROM x\nCOPY a.txt /\n').toString(16),
    changed: (p) => changed.push(p),
  });
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    names.push(header.name);
    body.resume();
    body.on('end', next);
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve).on('error', reject);
    stream.pipe(extract);
  });
  assert.deepEqual(names, ['Dockerfile', 'a.txt']);
  assert.deepEqual(changed, ['a.txt'], 'the Dockerfile matched its key; a.txt did not');
});
