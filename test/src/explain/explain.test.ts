// --dry-run and `juni why`: each kind of reason, read from the input breakdowns stored with results.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { buildJson, juni } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';
import { sha256 } from '../rig/zip.js';

interface Explained {
  nodes: {
    kind: string;
    name: string;
    status: string;
    reasons: { type: string; path?: string; setting?: string; upstream?: string }[];
  }[];
}

async function dryRun(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Explained> {
  const run = await juni(['build', '--dry-run', '--json', ...args], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Explained;
}

/**
 * What a dry run may write: the cache database (what it learnt about files: stats, the interpreter
 * probe), the empty lock it shares with builds (cache-lock.ts) and the memo of a manifest it parsed
 * (manifest/memo.ts; every command that loads one does).
 */
const MAY_WRITE = /^\.juni\/(cache\.db(-wal|-shm|-journal)?|lock|manifests\/[0-9a-f]{16}\.json)$/;

/**
 * Every file under `dir` (the project, its output folder and its cache folder) with its bytes and
 * mtime, but those a dry run may write; and the rows of the cache's tables of results, runs and zips.
 */
function everythingWritten(dir: string): { files: Record<string, string>; tables: Record<string, unknown[]> } {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (!MAY_WRITE.test(child))
        files[child] = `${sha256(path.join(dir, child))} ${statSync(path.join(dir, child)).mtimeMs}`;
    }
  };
  walk('');
  const tables: Record<string, unknown[]> = {};
  const file = path.join(dir, '.juni', 'cache.db');
  if (existsSync(file)) {
    const db = new Database(file, { readonly: true });
    try {
      for (const table of ['results', 'runs', 'run_nodes', 'placed_zips', 'image_refs'])
        tables[table] = db.prepare(`SELECT * FROM ${table}`).all();
    } finally {
      db.close();
    }
  }
  return { files, tables };
}

/** A dry run that writes no file but the cache's memos, and no result, run or zip into the cache. */
async function dryRunWritingNothing(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<Explained> {
  const before = everythingWritten(dir);
  const explained = await dryRun(dir, args, env);
  const after = everythingWritten(dir);
  assert.deepEqual(after.files, before.files, 'the dry run wrote no file but the memos');
  for (const [table, rows] of Object.entries(after.tables))
    assert.deepEqual(rows, before.tables[table] ?? [], `the dry run changed no row of ${table}`);
  return explained;
}

const reasonsOf = (e: Explained, name: string) => e.nodes.find((n) => n.name === name)!.reasons;

test('dry run before any build: everything would build, never built before; nothing is written', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const e = await dryRunWritingNothing(p.dir, [], pip.env());
  assert.deepEqual(
    e.nodes.map((n) => [n.name, n.status, n.reasons.map((r) => r.type)]),
    [
      ['requirements.txt', 'would-build', ['never-built']],
      ['api', 'would-build', ['never-built']],
      ['worker', 'would-build', ['never-built']],
    ],
  );
  assert.throws(() => p.mtime('dist'));
  assert.equal(pip.count(), 0, 'a dry run runs no pip');
  // It did open the cache (so the checks above looked at a real one), and stored no result in it.
  assert.deepEqual(everythingWritten(p.dir).tables.results, []);
});

test('dry run names the added, removed and modified file, the changed setting and the changed upstream', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  await buildJson(p.dir, [], pip.env());
  assert.equal(pip.since(), 1);
  p.write('src/api/handler.py', 'changed\n');
  p.write('src/lib/new.py', 'N = 1\n');
  p.write('manifest.yml', p.read('manifest.yml').replace('  worker:\n', '  worker:\n    exclude: ["*.txt"]\n'));
  p.write('requirements.txt', 'tinyhttp\ntinycore\n');
  const e = await dryRunWritingNothing(p.dir, [], pip.env());
  assert.equal(pip.since(), 0, 'a dry run installs nothing, even with the requirements changed');
  assert.deepEqual(reasonsOf(e, 'requirements.txt'), [{ type: 'file-modified', path: 'requirements' }]);
  assert.deepEqual(reasonsOf(e, 'api'), [
    { type: 'file-modified', path: 'handler.py' },
    { type: 'file-added', path: 'lib/new.py' },
    { type: 'upstream-changed', upstream: 'deps' },
  ]);
  const worker = reasonsOf(e, 'worker');
  assert.deepEqual(
    worker.map((r) => r.type),
    ['file-added', 'config-changed', 'upstream-changed'],
  );
  assert.equal(worker[1]!.setting, 'exclude');
  const text = await juni(['build', '--dry-run'], { cwd: p.dir });
  assert.match(
    text.stdout,
    /function api: would build\n {2}- modified handler\.py\n {2}- added lib\/new\.py\n {2}- deps requirements\.txt changed/,
  );
  assert.match(text.stdout, /3 would build, 0 up to date \(dry run: nothing was built\)/);
  rmSync(p.path('src/lib/util.py'));
  const removed = await dryRunWritingNothing(p.dir, [], pip.env());
  assert.ok(reasonsOf(removed, 'api').some((r) => r.type === 'file-removed' && r.path === 'lib/util.py'));
});

test('juni why: what would rebuild now, and after the build, why it last rebuilt', async (t) => {
  const p = await standardProject(t);
  await buildJson(p.dir);
  p.write('src/lib/util.py', 'X = 42\n');
  const before = await juni(['why', 'api'], { cwd: p.dir });
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /^function api: would rebuild now\n {2}- modified lib\/util\.py/);
  await buildJson(p.dir);
  const after = await juni(['why', 'api'], { cwd: p.dir });
  assert.match(after.stdout, /^function api: is up to date; it last rebuilt because\n {2}- modified lib\/util\.py/);
  const unknown = await juni(['why', 'nope'], { cwd: p.dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /there is no function or layer named 'nope'/);
});

test('juni graph shows images, installs, layers and functions with their edges', async (t) => {
  const p = await standardProject(t);
  const json = await juni(['graph', '--format', 'json'], { cwd: p.dir });
  const graph = JSON.parse(json.stdout) as {
    nodes: { id: string; kind: string; name: string }[];
    edges: { from: string; to: string }[];
  };
  assert.deepEqual(
    graph.nodes.map((n) => `${n.kind} ${n.name}`),
    ['deps requirements.txt', 'function api', 'function worker'],
  );
  assert.deepEqual(graph.edges.map((e) => e.to).sort(), ['function:api', 'function:worker']);
  const dot = await juni(['graph', '--format', 'dot'], { cwd: p.dir });
  assert.match(dot.stdout, /^digraph juni \{/);
  assert.match(dot.stdout, /-> "function:api";/);
  const text = await juni(['graph'], { cwd: p.dir });
  assert.equal(text.stdout, 'function api\n  deps requirements.txt\nfunction worker\n  deps requirements.txt\n');
});
