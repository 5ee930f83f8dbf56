import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cleanCache } from './clean.js';

const wait = { waitMs: 1000, onWait: () => {} };

test("clean removes juni's folders, and those a clean that died left aside, and nothing else", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-clean-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['manifests', 'tmp', 'manifests.removing-123-abcd', 'artifacts.removing-9-ffff']) {
    mkdirSync(path.join(dir, name, 'inner'), { recursive: true });
    writeFileSync(path.join(dir, name, 'inner', 'memo.json'), '{}');
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'the user’s');
  mkdirSync(path.join(dir, 'manifests.mine'));
  const outcome = await cleanCache(dir, wait);
  assert.ok(outcome.ok);
  assert.equal(outcome.value?.hadCache, true);
  assert.equal(outcome.value?.removedFolder, false);
  assert.deepEqual(readdirSync(dir).sort(), ['manifests.mine', 'notes.txt']);
});

test('clean removes a cache folder that held only its files', async (t) => {
  const parent = mkdtempSync(path.join(tmpdir(), 'juni-clean-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dir = path.join(parent, '.juni');
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  writeFileSync(path.join(dir, 'manifests', 'a.json'), '{}');
  const outcome = await cleanCache(dir, wait);
  assert.ok(outcome.ok);
  assert.equal(outcome.value?.removedFolder, true);
  assert.deepEqual(readdirSync(parent), []);
});
