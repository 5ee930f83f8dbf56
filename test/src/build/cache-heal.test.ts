// A damaged, busy or concurrently cleaned cache never fails a build with a crash: a damaged
// database is moved aside with one warning and the build runs cold; a malformed stored result is
// a miss; a locked database is waited for, within JUNI_CACHE_WAIT; clean and prune wait for builds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { buildJson, juni, statuses, type JsonReport } from '../rig/juni.js';
import { REPO } from '../rig/paths.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';

type Warnings = { warnings: { code?: string; message: string }[] };

const damages: Record<string, (db: string) => void> = {
  truncated: (db) => truncateSync(db, Math.floor(statSync(db).size / 3)),
  zeroed: (db) => writeFileSync(db, Buffer.alloc(statSync(db).size)),
  'random bytes': (db) => writeFileSync(db, randomBytes(statSync(db).size)),
};

for (const [name, damage] of Object.entries(damages)) {
  test(`a ${name} cache.db is moved aside with one warning and the build runs cold`, async (t) => {
    const p = await standardProject(t);
    const pip = new PipRuns(t);
    await buildJson(p.dir, [], pip.env());
    assert.equal(pip.since(), 1);
    const db = p.path('.juni', 'cache.db');
    // Checkpointed and closed, as after a build; the WAL goes with it, so the damage is all there is.
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    damage(db);
    const { run, report } = await buildJson(p.dir, [], pip.env());
    assert.equal(run.code, 0, run.stderr);
    const damaged = (report as JsonReport & Warnings).warnings.filter((w) => w.code === 'cache-damaged');
    assert.equal(damaged.length, 1, run.stderr);
    const aside = readdirSync(p.path('.juni')).filter(
      (f) => /^cache\.db\.damaged-[^-]/.test(f) && !/-(wal|shm)$/.test(f),
    );
    assert.equal(aside.length, 1);
    assert.ok(damaged[0]!.message.includes(p.path('.juni', aside[0]!)), damaged[0]!.message);
    assert.equal(run.stderr.match(/moved it aside/g)?.length, 1, 'one warning on stderr');
    assert.deepEqual(statuses(report), { 'deps:requirements.txt': 'built', api: 'built', worker: 'built' });
    assert.equal(pip.since(), 1, 'nothing the damaged database recorded is trusted');
    const again = await buildJson(p.dir, [], pip.env());
    assert.equal(again.run.code, 0, again.run.stderr);
    assert.equal(again.report.summary.cached, 3);
    assert.equal(pip.since(), 0);
    assert.doesNotMatch(again.run.stderr, /warning/);
  });
}

test('a table that is not the one juni made counts as damage', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  const db = new Database(p.path('.juni', 'cache.db'));
  db.exec('DROP TABLE results; CREATE TABLE results (key TEXT PRIMARY KEY, blob BLOB)');
  db.close();
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /the table results is not the one this juni made/);
  assert.equal(report.summary.built, 3);
});

test('a stored result of garbage or null is dropped with a warning and only its node rebuilds', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  const db = new Database(p.path('.juni', 'cache.db'));
  db.prepare("UPDATE results SET outputs = '{not json' WHERE kind = 'function' AND name = 'api'").run();
  db.close();
  const first = await buildJson(p.dir, [], pip.env());
  assert.equal(first.run.code, 0, first.run.stderr);
  assert.deepEqual(statuses(first.report), { 'deps:requirements.txt': 'cached', api: 'built', worker: 'cached' });
  assert.match(first.run.stderr, /the stored result of function api could not be read back/);

  const db2 = new Database(p.path('.juni', 'cache.db'));
  db2.prepare("UPDATE results SET outputs = 'null' WHERE kind = 'deps'").run();
  db2.prepare(`UPDATE results SET outputs = '{"type":"zip","sha256":"../x"}' WHERE name = 'worker'`).run();
  db2.close();
  p.write('src/lib/util.py', 'X = 2\n'); // the zips need the install's pack, so the deps result is read
  const second = await buildJson(p.dir, [], pip.env());
  assert.equal(second.run.code, 0, second.run.stderr);
  assert.deepEqual(statuses(second.report), { 'deps:requirements.txt': 'built', api: 'built', worker: 'built' });
  assert.equal(pip.runs().length, 2, 'the install ran again once, because its result was dropped');
  const third = await buildJson(p.dir, [], pip.env());
  assert.equal(third.report.summary.cached, 3);
  assert.equal(pip.runs().length, 2);
});

/**
 * A second process that opens the SQLite file `file`, runs `sql` (it keeps a transaction open) and
 * holds it until the test ends; resolved once it holds.
 */
async function holdSqlite(t: TestContext, file: string, sql: string): Promise<ChildProcess> {
  const script =
    `const D = require('better-sqlite3'); const db = new D(process.argv[1]); ${sql};` +
    "console.log('held'); setInterval(() => {}, 1000);";
  const holder = spawn(process.execPath, ['-e', script, file], { cwd: path.join(REPO, 'test') });
  t.after(() => holder.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', () => resolve());
    holder.on('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return holder;
}

/** A second process holding cache.db's write lock (as a sqlite3 shell in a transaction would). */
const holdDatabase = (t: TestContext, file: string) => holdSqlite(t, file, "db.exec('BEGIN EXCLUSIVE')");

test('a database another process keeps locked is waited for, visibly, then the build fails clearly', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  const holder = await holdDatabase(t, p.path('.juni', 'cache.db'));
  p.write('src/api/handler.py', 'A = 2\n');
  const run = await juni(['build'], { cwd: p.dir, env: { JUNI_CACHE_WAIT: '2' } });
  assert.equal(run.code, 1, run.stderr);
  // Progress (and so the waiting) goes to stdout without --json.
  assert.match(run.stdout, /waiting for the cache at .*cache\.db, which another process holds \(pid \d+/);
  assert.match(run.stderr, new RegExp(`is locked by another process \\(pid ${holder.pid}: .*; gave up after 2 s`));
  assert.match(run.stderr, /hint: .*JUNI_CACHE_WAIT/);
  assert.doesNotMatch(run.stderr, /internal error/);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  const after = await buildJson(p.dir);
  assert.equal(after.run.code, 0, after.run.stderr);
  assert.equal(statuses(after.report).api, 'built');
});

test('clean and prune running beside builds: every build and every clean and prune succeeds', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  const runs = await Promise.all([
    ...Array.from({ length: 6 }, () => juni(['build'], { cwd: p.dir, env: pip.env() })),
    juni(['clean'], { cwd: p.dir }),
    juni(['cache', 'prune', '--max-size', '1'], { cwd: p.dir }),
    ...Array.from({ length: 3 }, () => juni(['build'], { cwd: p.dir, env: pip.env() })),
    juni(['clean'], { cwd: p.dir }),
  ]);
  for (const run of runs) {
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /internal error|ENOENT/);
  }
  const last = await buildJson(p.dir, [], pip.env());
  assert.equal(last.run.code, 0, last.run.stderr);
  assert.ok(existsSync(p.path('dist', 'api.zip')));
});

test('stats, prune and clean on a damaged database say so, with the path and a hint', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  const db = p.path('.juni', 'cache.db');
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  writeFileSync(db, randomBytes(8192));
  for (const args of [
    ['cache', 'stats'],
    ['cache', 'prune', '--max-size', '1'],
  ]) {
    const run = await juni(args, { cwd: p.dir });
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.stderr.includes(`the cache database ${db} is damaged (file is not a database)`), run.stderr);
    assert.match(run.stderr, /hint: juni build moves it aside/);
  }
  const clean = await juni(['clean'], { cwd: p.dir });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stderr, /the cache database was damaged .*left in place/);
  assert.equal(existsSync(p.path('.juni')), false);
});

/** A second process holding `.juni/lock` shared, as a running build does. */
const holdLockShared = (t: TestContext, file: string) =>
  holdSqlite(t, file, "db.exec('BEGIN'); db.prepare('SELECT count(*) FROM sqlite_master').get()");

test('JUNI_CACHE_WAIT=0 builds a fresh cache, and cleans an old one with no lock file without waiting', async (t) => {
  const p = await standardProject(t);
  const first = await juni(['build'], { cwd: p.dir, env: { JUNI_CACHE_WAIT: '0' } });
  assert.equal(first.code, 0, first.stderr);
  rmSync(p.path('.juni', 'lock'));
  const clean = await juni(['clean'], { cwd: p.dir, env: { JUNI_CACHE_WAIT: '0' } });
  assert.equal(clean.code, 0, clean.stderr);
  assert.doesNotMatch(clean.stdout + clean.stderr, /waiting/);
});

test('a lock file of garbage is replaced: builds and clean go on', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  writeFileSync(p.path('.juni', 'lock'), Buffer.alloc(4096, 'garbage '));
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(report.summary.cached, 3, 'the database was not touched');
  writeFileSync(p.path('.juni', 'lock'), Buffer.alloc(4096, 'garbage '));
  const clean = await juni(['clean'], { cwd: p.dir });
  assert.equal(clean.code, 0, clean.stderr);
  assert.doesNotMatch(clean.stderr, /damaged|cache\.db/);
  assert.equal(existsSync(p.path('.juni')), false);
});

test('damage deep in cache.db, past what opening reads, is healed by the build that meets it', async (t) => {
  const p = await standardProject(t);
  // Enough files that their hashes fill many pages of file_hashes.
  for (let i = 0; i < 400; i++) p.write(`src/lib/mod_${String(i).padStart(3, '0')}.py`, `X = ${i}\n`);
  await buildJson(p.dir);
  const file = p.path('.juni', 'cache.db');
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  // The last leaf of file_hashes: opening reads each table's first row only, so it never meets it.
  const leaves = db
    .prepare<[], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = 'file_hashes' AND pagetype = 'leaf'")
    .all();
  db.close();
  assert.ok(leaves.length >= 4, `file_hashes spans ${leaves.length} leaves`);
  const page = Math.max(...leaves.map((l) => l.pageno));
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);

  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /internal error/);
  const damaged = (report as JsonReport & Warnings).warnings.filter((w) => w.code === 'cache-damaged');
  assert.equal(damaged.length, 1, run.stderr);
  assert.equal(report.summary.built, 3, 'built cold');
  assert.equal(existsSync(p.path('.juni', 'cache.db.suspect')), false, 'the marker went with the database');
  const again = await buildJson(p.dir);
  assert.equal(again.run.code, 0, again.run.stderr);
  assert.equal(again.report.summary.cached, 3);
  assert.doesNotMatch(again.run.stderr, /warning/);
});

test('a build does not prune while another build holds the cache; a later build does', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  p.write('src/api/handler.py', 'A = 2\n'); // the old api result is now one no build uses
  const holder = await holdLockShared(t, p.path('.juni', 'lock'));
  const env = { JUNI_CACHE_MAX_SIZE: '1' };
  const beside = await buildJson(p.dir, [], env);
  assert.equal(beside.run.code, 0, beside.run.stderr);
  const pruned = (r: JsonReport): boolean =>
    (r as JsonReport & Warnings).warnings.some((w) => w.code === 'cache-pruned');
  assert.equal(pruned(beside.report), false, 'nothing is removed under a running build');
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  const alone = await buildJson(p.dir, [], env);
  assert.equal(alone.run.code, 0, alone.run.stderr);
  assert.equal(pruned(alone.report), true, alone.run.stderr);
});

test('with JUNI_CACHE_WAIT=0 a held database is still named before the build gives up', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  await holdDatabase(t, p.path('.juni', 'cache.db'));
  const run = await juni(['build'], { cwd: p.dir, env: { JUNI_CACHE_WAIT: '0' } });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /waiting for the cache at .*cache\.db, which another process holds/);
  assert.doesNotMatch(run.stderr, /internal error/);
});

test('--dry-run and juni why only report a damaged database; the next build moves it aside', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  const db = p.path('.juni', 'cache.db');
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  damages.zeroed!(db);
  const artifactsBefore = readdirSync(p.path('.juni', 'artifacts')).sort();
  for (const args of [
    ['build', '--dry-run'],
    ['why', 'api'],
  ]) {
    const run = await juni(args, { cwd: p.dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /its database is damaged/);
    assert.match(run.stderr, /hint: juni build moves it aside/);
  }
  assert.deepEqual(
    readdirSync(p.path('.juni')).filter((f) => f.startsWith('cache.db.damaged-')),
    [],
    'nothing was moved aside',
  );
  assert.deepEqual(readdirSync(p.path('.juni', 'artifacts')).sort(), artifactsBefore, 'no artifact was removed');
  const healed = await buildJson(p.dir, [], pip.env());
  assert.equal(healed.run.code, 0, healed.run.stderr);
  assert.match(healed.run.stderr, /moved it aside/);
});

test('--dry-run and juni why waiting on a held database say so; clean refuses a malformed JUNI_CACHE_WAIT', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  await holdDatabase(t, p.path('.juni', 'cache.db'));
  for (const args of [
    ['build', '--dry-run'],
    ['why', 'api'],
  ]) {
    const run = await juni(args, { cwd: p.dir, env: { JUNI_CACHE_WAIT: '2' } });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /juni: warning: waiting for the cache at .*cache\.db, which another process holds/);
  }
  for (const args of [['clean'], ['cache', 'stats']]) {
    const run = await juni(args, { cwd: p.dir, env: { JUNI_CACHE_WAIT: '5m' } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /JUNI_CACHE_WAIT/);
  }
  assert.equal(existsSync(p.path('.juni', 'cache.db')), true, 'the refused clean removed nothing');
});
