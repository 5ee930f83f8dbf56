import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { FileStat } from '../fs/source-file.js';
import { openCacheDatabase, type CacheDatabase } from './database.js';
import { StatCache } from './stat-cache.js';

function tempDatabase(t: TestContext): { db: CacheDatabase; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-stat-'));
  const db = openCacheDatabase(dir);
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, dir };
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** A file last written a minute ago: well outside the racy window. */
const oldStat = (): FileStat => ({
  size: 42,
  mtimeNs: nowNs() - 60_000_000_000n,
  ctimeNs: nowNs() - 60_000_000_000n,
  ino: 1234n,
  exec: false,
});

test('a recorded hash is found after flush, for the same path, algorithm and stat', (t) => {
  const { db } = tempDatabase(t);
  const cache = new StatCache(db);
  const stat = oldStat();
  cache.set('/p/a.py', 'xxh64', stat, 'h1');
  assert.equal(cache.get('/p/a.py', 'xxh64', stat), undefined, 'not written before flush');
  cache.flush();
  assert.equal(cache.get('/p/a.py', 'xxh64', stat), 'h1');
  assert.equal(new StatCache(db).get('/p/a.py', 'xxh64', { ...stat }), 'h1');
  assert.equal(cache.get('/p/a.py', 'sha256', stat), undefined);
  assert.equal(cache.get('/p/b.py', 'xxh64', stat), undefined);
});

test('any change of size, mtime, ctime or inode makes the record unusable', (t) => {
  const { db } = tempDatabase(t);
  const cache = new StatCache(db);
  const stat = oldStat();
  cache.set('/p/a.py', 'xxh64', stat, 'h1');
  cache.flush();
  const changed: FileStat[] = [
    { ...stat, size: 43 },
    { ...stat, mtimeNs: stat.mtimeNs + 1n },
    { ...stat, ctimeNs: stat.ctimeNs + 1n },
    { ...stat, ino: 1235n },
  ];
  for (const other of changed) assert.equal(cache.get('/p/a.py', 'xxh64', other), undefined);
  // The exec bit is not part of the record (it is in the key on its own).
  assert.equal(cache.get('/p/a.py', 'xxh64', { ...stat, exec: true }), 'h1');
});

test('a file written within two seconds of its record is not trusted, unless juni wrote it', (t) => {
  const { db } = tempDatabase(t);
  const cache = new StatCache(db);
  const fresh: FileStat = { size: 1, mtimeNs: nowNs(), ctimeNs: nowNs(), ino: 7n, exec: false };
  cache.set('/p/racy.py', 'xxh64', fresh, 'h-racy');
  cache.set('/p/mine.zip', 'sha256', { ...fresh, ino: 8n }, 'h-mine', { trusted: true });
  cache.flush();
  assert.equal(cache.get('/p/racy.py', 'xxh64', fresh), undefined);
  assert.equal(cache.get('/p/mine.zip', 'sha256', { ...fresh, ino: 8n }), 'h-mine');
});

test('a new record replaces the old one for the same path and algorithm', (t) => {
  const { db } = tempDatabase(t);
  const cache = new StatCache(db);
  const stat = oldStat();
  cache.set('/p/a.py', 'xxh64', stat, 'h1');
  cache.set('/p/a.py', 'sha256', stat, 's1');
  cache.flush();
  const edited = { ...stat, size: 50, mtimeNs: stat.mtimeNs + 1_000_000n };
  cache.set('/p/a.py', 'xxh64', edited, 'h2');
  cache.flush();
  assert.equal(cache.get('/p/a.py', 'xxh64', edited), 'h2');
  assert.equal(cache.get('/p/a.py', 'xxh64', stat), undefined);
  assert.equal(cache.get('/p/a.py', 'sha256', stat), 's1');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM file_hashes').get() as { n: number }).n, 2);
});

test('records survive closing and reopening the database', (t) => {
  const { db, dir } = tempDatabase(t);
  const stat = oldStat();
  const cache = new StatCache(db);
  cache.set('/p/a.py', 'xxh64', stat, 'h1');
  cache.flush();
  const again = openCacheDatabase(dir);
  try {
    assert.equal(new StatCache(again).get('/p/a.py', 'xxh64', stat), 'h1');
  } finally {
    again.close();
  }
});
