import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { openCacheDatabase, type CacheDatabase } from './database.js';
import { artifactOf, ResultStore, type StoredResult } from './results.js';

/** A cache database in a temp folder, closed and removed when the test ends. */
function tempDatabase(t: TestContext): CacheDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-results-'));
  const db = openCacheDatabase(dir);
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

const zipResult = (key: string, over: Partial<StoredResult> = {}): StoredResult => ({
  key,
  kind: 'function',
  name: 'api',
  output: {
    type: 'zip',
    sha256: createHash('sha256').update(key).digest('hex'),
    bytes: 1234,
    unzippedBytes: 5678,
    contributors: [{ name: 'six.py', bytes: 99 }],
  },
  inputs: { tool: '0.1.0', kind: 'function', files: { 'a.py': '01' } },
  durationMs: 12.6,
  ...over,
});

const row = (db: CacheDatabase, key: string) =>
  db.prepare('SELECT * FROM results WHERE key = ?').get(key) as Record<string, unknown> | undefined;

test('a stored result is read back, also by another store on the same database', (t) => {
  const db = tempDatabase(t);
  const result = zipResult('k1');
  new ResultStore(db).put(result);
  const read = new ResultStore(db).get('k1');
  assert.ok(read);
  assert.equal(read.key, 'k1');
  assert.equal(read.kind, 'function');
  assert.equal(read.name, 'api');
  assert.deepEqual(read.output, result.output);
  assert.deepEqual(read.inputs, result.inputs);
  // Durations are stored in whole milliseconds.
  assert.equal(read.durationMs, 13);
});

test('get and has of a key never stored give undefined and false', (t) => {
  const db = tempDatabase(t);
  const store = new ResultStore(db);
  assert.equal(store.get('missing'), undefined);
  assert.equal(store.has('missing'), false);
  assert.equal(new ResultStore(db).has('missing'), false);
  store.put(zipResult('there'));
  assert.equal(new ResultStore(db).has('there'), true);
  assert.equal(store.has('there'), true);
});

test('reads are remembered for the life of a store, a miss included', (t) => {
  const db = tempDatabase(t);
  const mine = new ResultStore(db);
  assert.equal(mine.get('k'), undefined);
  // Another process stores the result meanwhile: this build keeps its first answer.
  new ResultStore(db).put(zipResult('k'));
  assert.equal(mine.get('k'), undefined);
  assert.equal(mine.has('k'), false);
  assert.ok(new ResultStore(db).get('k'));
  // What this store puts itself is seen at once.
  mine.put(zipResult('k', { name: 'api2' }));
  assert.equal(mine.get('k')?.name, 'api2');
});

test('put replaces a result with the same key, and records its artifact and size', (t) => {
  const db = tempDatabase(t);
  const store = new ResultStore(db);
  store.put(zipResult('k'));
  store.put(
    zipResult('k', {
      kind: 'deps',
      name: 'requirements.txt',
      output: { type: 'pack', files: [], bytes: 10, pack: { sha256: 'f'.repeat(64), bytes: 4096 } },
    }),
  );
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM results').get() as { n: number }).n, 1);
  const stored = row(db, 'k');
  assert.equal(stored?.kind, 'deps');
  assert.equal(stored?.artifact, 'deps/k.pack');
  assert.equal(stored?.size_bytes, 4096);
  assert.equal(new ResultStore(db).get('k')?.output.type, 'pack');
});

test('delete removes a result from the database and from the store', (t) => {
  const db = tempDatabase(t);
  const store = new ResultStore(db);
  store.put(zipResult('k'));
  store.put(zipResult('other'));
  store.delete('k');
  assert.equal(store.get('k'), undefined);
  assert.equal(store.has('k'), false);
  assert.equal(row(db, 'k'), undefined);
  assert.ok(new ResultStore(db).get('other'));
});

test('touch marks results as used only when flushTouches runs, once', (t) => {
  const db = tempDatabase(t);
  const store = new ResultStore(db);
  store.put(zipResult('used'));
  store.put(zipResult('idle'));
  db.prepare('UPDATE results SET last_used_at = 1').run();
  store.touch('used');
  store.touch('used');
  store.touch('never-stored');
  assert.equal(row(db, 'used')?.last_used_at, 1, 'nothing is written before the flush');
  const before = Date.now();
  store.flushTouches();
  assert.ok((row(db, 'used')?.last_used_at as number) >= before);
  assert.equal(row(db, 'idle')?.last_used_at, 1);
  assert.equal(row(db, 'never-stored'), undefined);
  // The marks were written: a second flush writes nothing.
  db.prepare('UPDATE results SET last_used_at = 2').run();
  store.flushTouches();
  assert.equal(row(db, 'used')?.last_used_at, 2);
});

test('artifactOf: where each kind of output is stored, and its size', () => {
  const lambdaFiles = { type: 'tree' as const, files: [], bytes: 300 };
  assert.deepEqual(artifactOf('k', { type: 'zip', sha256: 'abc', bytes: 100, unzippedBytes: 1, contributors: [] }), {
    path: 'zips/abc.zip',
    bytes: 100,
  });
  assert.deepEqual(artifactOf('k', { type: 'pack', files: [], bytes: 999, pack: { sha256: 'p', bytes: 200 } }), {
    path: 'deps/k.pack',
    bytes: 200,
  });
  assert.deepEqual(artifactOf('k', lambdaFiles), { path: 'deps/k', bytes: 300 });
  assert.deepEqual(artifactOf('k', { type: 'image', imageId: 'sha256:1', lambdaFiles }), {
    path: 'deps/k',
    bytes: 300,
  });
});

test('a row whose output cannot be read back is a miss, reported, and dropped unless told to keep it', (t) => {
  const db = tempDatabase(t);
  new ResultStore(db).put(zipResult('k1'));
  new ResultStore(db).put(zipResult('k2'));
  db.prepare("UPDATE results SET outputs = 'null' WHERE key = 'k1'").run();
  db.prepare("UPDATE results SET outputs = '{garbage' WHERE key = 'k2'").run();
  const reported: string[] = [];
  const explaining = new ResultStore(db, { dropMalformed: false, onMalformed: (r) => reported.push(r.key) });
  assert.equal(explaining.get('k1'), undefined);
  assert.ok(row(db, 'k1'), 'an explanation leaves it for a build to drop');
  const building = new ResultStore(db, { onMalformed: (r) => reported.push(`${r.key} ${r.kind} ${r.name}`) });
  assert.equal(building.get('k1'), undefined);
  assert.equal(building.get('k2'), undefined);
  assert.equal(row(db, 'k1'), undefined);
  assert.equal(row(db, 'k2'), undefined);
  assert.deepEqual(reported, ['k1', 'k1 function api', 'k2 function api']);
});
