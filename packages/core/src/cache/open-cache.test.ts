import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { cachePaths } from './location.js';
import { openCacheForBuild, type OpenedCache } from './open-cache.js';

function cacheDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-open-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(t: TestContext, dir: string, waitMs: number): Promise<Extract<OpenedCache, { ok: true }>> {
  const opened = await openCacheForBuild(dir, { waitMs, onWait: () => assert.fail('nothing to wait for') });
  assert.ok(opened.ok);
  t.after(() => {
    opened.artifacts.close();
    opened.db.close();
    opened.lock.release();
  });
  return opened;
}

test('a fresh cache opens at once with JUNI_CACHE_WAIT=0', async (t) => {
  await open(t, cacheDir(t), 0);
});

test("a build's later writes wait at most 30 s inside SQLite, whatever JUNI_CACHE_WAIT says", async (t) => {
  const opened = await open(t, cacheDir(t), 300_000);
  assert.equal(opened.db.pragma('busy_timeout', { simple: true }), 30_000);
});

test('a marked database that passes the integrity check is kept and unmarked', async (t) => {
  const dir = cacheDir(t);
  const first = await open(t, dir, 0);
  first.db.exec("INSERT INTO meta (key, value) VALUES ('kept', 'yes')");
  first.artifacts.close();
  first.db.close();
  first.lock.release();
  writeFileSync(cachePaths(dir).suspect, '');
  const second = await open(t, dir, 0);
  assert.equal(second.healed, undefined);
  assert.equal(existsSync(cachePaths(dir).suspect), false);
  assert.deepEqual(second.db.prepare("SELECT value FROM meta WHERE key = 'kept'").get(), { value: 'yes' });
});
