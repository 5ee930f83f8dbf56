// Cache upkeep (stats, prune by size and age, clean) and Lambda's limits.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { buildJson, juni, statuses, type JsonReport } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { PIP_CONF, standardProject, tempProject } from '../rig/project.js';

interface Stats {
  results: number;
  bytes: number;
  byKind: Record<string, { results: number; bytes: number }>;
}

async function stats(dir: string): Promise<Stats> {
  return JSON.parse((await juni(['cache', 'stats', '--json'], { cwd: dir })).stdout) as Stats;
}

test('prune --max-size evicts the least recently used results and keeps the newest', async (t) => {
  const p = await standardProject(t);
  // Three generations of api.zip: each edit leaves the older zip in the cache.
  for (const n of [1, 2, 3]) {
    p.write('src/api/handler.py', `V = ${n}\n${randomBytes(20_000).toString('base64')}\n`);
    await buildJson(p.dir, ['-f', 'api']);
  }
  const before = await stats(p.dir);
  assert.equal(before.byKind.function?.results, 3);
  const newest = (await buildJson(p.dir, ['-f', 'api'])).report.nodes.find((n) => n.name === 'api')!;
  const zipSize = newest.outputs[0]!.bytes;
  const prune = await juni(['cache', 'prune', '--max-size', String(before.bytes - 1), '--json'], { cwd: p.dir });
  assert.equal(prune.code, 0, prune.stderr);
  const after = await stats(p.dir);
  assert.ok(after.bytes < before.bytes);
  assert.ok(after.bytes >= zipSize, 'the newest zip is still there');
  const again = await buildJson(p.dir, ['-f', 'api']);
  assert.equal(statuses(again.report).api, 'cached', 'the most recently used result survived');
});

test('prune --older-than 0 empties the cache; clean removes the zips and the cache', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  assert.equal((await stats(p.dir)).results, 3);
  // Last used a minute ago, so older than 0 days whatever the clock's resolution: prune evicts
  // what is older than the age, and a result used in this very millisecond is not.
  const db = new Database(p.path('.juni', 'cache.db'));
  db.prepare('UPDATE results SET last_used_at = last_used_at - 60000').run();
  db.close();
  const prune = await juni(['cache', 'prune', '--older-than', '0'], { cwd: p.dir });
  assert.equal(prune.code, 0, prune.stderr);
  assert.equal((await stats(p.dir)).results, 0);
  const rebuilt = await buildJson(p.dir, [], pip.env());
  assert.equal(rebuilt.report.summary.built, 3);
  assert.equal(pip.since(), 1, 'the pruned install ran again');
  const clean = await juni(['clean'], { cwd: p.dir });
  assert.equal(clean.code, 0);
  assert.match(clean.stdout, /removed 2 zips and the cache/);
  assert.equal(existsSync(p.path('dist/api.zip')), false);
  assert.equal(existsSync(p.path('.juni')), false);
});

test('the default size cap evicts old results after a build (JUNI_CACHE_MAX_SIZE)', async (t) => {
  const p = await standardProject(t);
  for (const n of [1, 2, 3]) {
    p.write('src/api/handler.py', `V = ${n}\n${randomBytes(30_000).toString('base64')}\n`);
    const { run } = await buildJson(p.dir, [], { JUNI_CACHE_MAX_SIZE: '60KB' });
    if (n === 3) assert.match(run.stderr, /evicted \d+ least recently used results/);
  }
  assert.ok((await stats(p.dir)).bytes <= 60 * 1024 + 50_000, "only the current build's results may exceed the cap");
});

/** A function refused for Lambda's limits is never said to be built, and its zip is not counted as written. */
function assertRefusedNotBuilt(progress: string, report: JsonReport, name: string): void {
  assert.doesNotMatch(progress, new RegExp(`function ${name} built`), progress);
  assert.match(progress, new RegExp(`ERR function ${name} failed`), progress);
  const node = report.nodes.find((n) => n.name === name)!;
  assert.deepEqual(node.outputs, []);
}

/** The bytes of the zips really in the output folder (the first build into it wrote them all). */
function bytesOnDisk(dist: string): number {
  if (!existsSync(dist)) return 0;
  return readdirSync(dist).reduce((sum, f) => sum + statSync(path.join(dist, f)).size, 0);
}

test("over Lambda's limits: more than 5 layers fails; over 250 MB unzipped fails naming the biggest parts", async (t) => {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'src/h.py': 'H = 1\n',
    'manifest.yml': [
      'global: {executor: local}',
      'layers:',
      ...['l1', 'l2', 'l3', 'l4', 'l5', 'l6'].map((l) => `  ${l}: {include: [./src/h.py]}`),
      'functions:',
      '  many: {include: [./src/h.py], layers: [l1, l2, l3, l4, l5, l6]}',
      '  fine: {include: [./src/h.py], layers: [l1]}',
      '',
    ].join('\n'),
  });
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 1);
  assert.equal(statuses(report).many, 'failed');
  assert.equal(statuses(report).fine, 'built');
  assert.match(run.stderr, /function many lists 6 layers; Lambda allows at most 5/);
  assert.equal(existsSync(p.path('dist/many.zip')), false);
  assertRefusedNotBuilt(run.stderr, report, 'many');
  assert.equal(existsSync(p.path('dist/many.zip')), false);
  assert.ok(report.summary.bytesWritten > 0, 'the other zips were written');
  assert.equal(report.summary.bytesWritten, bytesOnDisk(p.path('dist')), 'only the zips placed are counted');
  // The next build finds the refused zip in the cache and refuses it again, writing nothing.
  const again = await buildJson(p.dir);
  assert.equal(again.run.code, 1);
  assert.equal(statuses(again.report).many, 'failed');
  assert.equal(existsSync(p.path('dist/many.zip')), false);
  assertRefusedNotBuilt(again.run.stderr, again.report, 'many');
  assert.equal(again.report.summary.bytesWritten, 0, again.run.stderr);

  // 260 MB of zeros compresses to almost nothing but counts in full unzipped.
  const big = tempProject(t, {
    'src/h.py': 'H = 1\n',
    'manifest.yml': 'global: {executor: local}\nfunctions:\n  huge: {include: [./src/]}\n',
  });
  const fs = await import('node:fs');
  // Two files, each under the limit (one over it is refused before it is read: hostile-inputs.test.ts).
  fs.writeFileSync(big.path('src/blob1.bin'), Buffer.alloc(131_072_001));
  fs.writeFileSync(big.path('src/blob2.bin'), Buffer.alloc(131_072_001));
  const huge = await buildJson(big.dir);
  assert.equal(huge.run.code, 1);
  assertRefusedNotBuilt(huge.run.stderr, huge.report, 'huge');
  assert.equal(huge.report.summary.bytesWritten, 0);
  assert.equal(existsSync(big.path('dist/huge.zip')), false);
  assert.match(
    huge.run.stderr,
    /function huge with its layers unzips to 262,144,008 bytes, over Lambda's limit of 262,144,000; largest: src 250\.0 MB/,
  );
});
