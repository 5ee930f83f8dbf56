import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ArtifactStore } from './artifacts.js';
import { openCacheDatabase } from './database.js';
import type { Cache } from './cache.js';
import { LocalCache } from './local-cache.js';
import { ResultStore, type StoredResult } from './results.js';
import { StatCache } from './stat-cache.js';

/** A real cache folder (SQLite and artifacts) that the test removes. */
function cacheIn(t: TestContext, options: { dropDamaged?: boolean } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-local-cache-'));
  const db = openCacheDatabase(dir);
  const artifacts = new ArtifactStore(dir);
  t.after(() => {
    artifacts.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const results = new ResultStore(db);
  const cache: Cache = new LocalCache({ results, artifacts, stats: new StatCache(db), ...options });
  return { cache, results, artifacts };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function storeZip(c: ReturnType<typeof cacheIn>, key: string, bytes = Buffer.from('zip bytes')): StoredResult {
  const temp = c.artifacts.tempPath('zip');
  writeFileSync(temp, bytes);
  const result: StoredResult = {
    key,
    kind: 'function',
    name: 'api',
    output: { type: 'zip', sha256: sha256(bytes), bytes: bytes.length, unzippedBytes: 0, contributors: [] },
    inputs: {},
    durationMs: 1,
  };
  c.cache.put(result, temp, 'function api');
  return result;
}

function storePack(c: ReturnType<typeof cacheIn>, key: string, bytes: Buffer): void {
  const temp = c.artifacts.tempPath('pack');
  writeFileSync(temp, bytes);
  const output = { type: 'pack' as const, files: [], bytes: 0, pack: { sha256: sha256(bytes), bytes: bytes.length } };
  c.cache.put({ key, kind: 'deps', name: 'requirements.txt', output, inputs: {}, durationMs: 1 }, temp, 'deps');
}

const q = (key: string, need: 'artifact' | 'result' | 'record', kind: 'function' | 'deps' = 'function') => ({
  key,
  kind,
  label: key,
  need,
});

test('a stored zip is a hit with its result once its file is in place', async (t) => {
  const c = cacheIn(t);
  const stored = storeZip(c, 'k1');
  const found = await c.cache.get(q('k1', 'artifact'));
  assert.equal(found.state, 'hit');
  assert.deepEqual(found.state === 'hit' && found.result?.output, stored.output);
  assert.deepEqual(await c.cache.get(q('other', 'artifact')), { state: 'miss' });
});

test('a zip whose file is gone is a miss, and its record is dropped', async (t) => {
  const c = cacheIn(t);
  const stored = storeZip(c, 'k1');
  rmSync(c.artifacts.zipPath(stored.output.type === 'zip' ? stored.output.sha256 : ''));
  assert.deepEqual(await c.cache.get(q('k1', 'artifact')), { state: 'miss' });
  assert.equal(c.results.has('k1'), false);
});

test('a zip of the wrong size is damaged and dropped; for explanations it is reported but kept', async (t) => {
  const build = cacheIn(t);
  const stored = storeZip(build, 'k1');
  const zipPath = build.artifacts.zipPath(stored.output.type === 'zip' ? stored.output.sha256 : '');
  truncateSync(zipPath, 3);
  assert.deepEqual(await build.cache.get(q('k1', 'artifact')), { state: 'damaged' });
  assert.equal(build.results.has('k1'), false);

  const explain = cacheIn(t, { dropDamaged: false });
  const again = storeZip(explain, 'k2');
  truncateSync(explain.artifacts.zipPath(again.output.type === 'zip' ? again.output.sha256 : ''), 3);
  assert.deepEqual(await explain.cache.get(q('k2', 'artifact')), { state: 'damaged' });
  assert.equal(explain.results.has('k2'), true, 'an explanation writes nothing');
});

test("a pack with the same size but other bytes fails its sha256 check (same size, so stat can't tell)", async (t) => {
  const c = cacheIn(t);
  storePack(c, 'd1', Buffer.from('pack bytes one'));
  assert.equal((await c.cache.get(q('d1', 'artifact', 'deps'))).state, 'hit');
  storePack(c, 'd2', Buffer.from('pack bytes two'));
  writeFileSync(c.artifacts.packPath('d2'), Buffer.from('pack bytes TWO'));
  assert.deepEqual(await c.cache.get(q('d2', 'artifact', 'deps')), { state: 'damaged' });
});

test('record and result lookups do not check the bytes: nothing reads them this build', async (t) => {
  const c = cacheIn(t);
  storePack(c, 'd1', Buffer.from('pack'));
  rmSync(c.artifacts.packPath('d1'));
  assert.deepEqual(await c.cache.get(q('d1', 'record', 'deps')), { state: 'hit', source: 'local', result: undefined });
  const result = await c.cache.get(q('d1', 'result', 'deps'));
  assert.equal(result.state === 'hit' && result.result?.key, 'd1');
  assert.deepEqual(await c.cache.get(q('d1', 'artifact', 'deps')), { state: 'miss' });
});

test('a zip of the right size with other bytes is damaged: dropped, and its file removed', async (t) => {
  const c = cacheIn(t);
  const stored = storeZip(c, 'k1', Buffer.from('zip bytes one'));
  const zipPath = c.artifacts.zipPath(stored.output.type === 'zip' ? stored.output.sha256 : '');
  writeFileSync(zipPath, Buffer.from('zip bytes TWO'));
  assert.deepEqual(await c.cache.get(q('k1', 'artifact')), { state: 'damaged' });
  assert.equal(c.results.has('k1'), false);
  assert.equal(existsSync(zipPath), false);
});
