// The shared remote cache over the Turborepo API, against a real turborepo-remote-cache server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { buildJson, statuses, testEnv, type JsonReport } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PipRuns } from '../rig/pip-runs.js';
import { Project, standardProject, tempProject } from '../rig/project.js';
import { RemoteCacheServer } from '../rig/remote-server.js';
import { sha256 } from '../rig/zip.js';

/** A second checkout of the same project, with its own (empty) local cache. */
function checkout(t: TestContext, from: Project): Project {
  const copy = new Project(tempProject(t).path('checkout-b'));
  cpSync(from.dir, copy.dir, { recursive: true, filter: (src) => !/\/(dist|\.juni)(\/|$)/.test(src) });
  return copy;
}

test('a second checkout with an empty local cache gets every node from the server, byte for byte', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const pip = new PipRuns(t);
  const a = await standardProject(t);
  const first = await buildJson(a.dir, [], pip.env(server.env()));
  assert.equal(first.report.summary.built, 3);
  assert.equal(pip.since(), 1);
  const b = checkout(t, a);
  const { run, report } = await buildJson(b.dir, [], pip.env(server.env()));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    report.nodes.map((n) => `${n.name} ${n.status} ${n.cache}`),
    ['requirements.txt cached remote', 'api cached remote', 'worker cached remote'],
  );
  for (const zip of ['api.zip', 'worker.zip']) assert.equal(sha256(b.path('dist', zip)), sha256(a.path('dist', zip)));
  assert.equal(pip.since(), 0, 'B ran no pip');
  // An edit in B needs the install: it comes from the server too, and only the edited zip builds.
  b.write('src/api/handler.py', 'B = 1\n');
  const edit = await buildJson(b.dir, [], pip.env(server.env()));
  assert.deepEqual(
    edit.report.nodes.map((n) => `${n.name} ${n.status} ${n.cache ?? '-'}`),
    ['requirements.txt cached remote', 'api built -', 'worker cached local'],
  );
  assert.equal(pip.since(), 0, 'the install came from the server, not from pip');
});

test('--remote-cache read never uploads; off never asks', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const pip = new PipRuns(t);
  const puts = (): string[] => server.requests.filter((r) => r.startsWith('PUT '));
  const a = await standardProject(t);
  await buildJson(a.dir, ['--remote-cache', 'read'], pip.env(server.env()));
  assert.ok(server.requests.length > 0, 'the read-only build asked the server');
  assert.deepEqual(puts(), [], 'and sent it nothing');
  assert.equal(pip.since(), 1);
  const b = checkout(t, a);
  const { report } = await buildJson(b.dir, [], pip.env(server.env()));
  assert.equal(report.summary.built, 3, 'nothing was uploaded by the read-only build');
  assert.equal(pip.since(), 1);
  assert.ok(puts().length > 0, 'the default mode uploads');
  // Everything is on the server now: a build that asked would get it.
  const c = checkout(t, a);
  const asked = server.requests.length;
  const off = await buildJson(c.dir, ['--remote-cache', 'off'], pip.env(server.env()));
  assert.equal(off.run.code, 0, off.run.stderr);
  assert.equal(off.report.summary.built, 3);
  assert.deepEqual(server.requests.slice(asked), [], 'off sent the server no request');
  assert.equal(pip.since(), 1, 'off installed with pip');
});

test('a wrong token: a warning, and the local build succeeds', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const a = await standardProject(t);
  const { run, report } = await buildJson(a.dir, [], server.env({ JUNI_REMOTE_CACHE_TOKEN: 'wrong' }));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(report.summary.built, 3);
  assert.match(run.stderr, /warning: remote cache: .*HTTP 401/);
});

test('the server killed mid-build changes nothing but a warning', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const a = await standardProject(t);
  const child = spawn(process.execPath, [JUNI, 'build', '--json'], { cwd: a.dir, env: testEnv(server.env()) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (/nodes planned/.test(stderr)) server.stop();
  });
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as JsonReport;
  assert.equal(report.summary.built, 3);
  assert.match(stderr, /warning: remote cache: /);
});

test('with a signature key, a tampered artifact is rejected and rebuilt', async (t) => {
  const server = await RemoteCacheServer.start(t, { storeTags: true });
  const env = server.env({ JUNI_REMOTE_CACHE_SIGNATURE_KEY: 'k3y' });
  const a = await standardProject(t);
  const first = await buildJson(a.dir, [], env);
  const apiKey = first.report.nodes.find((n) => n.name === 'api')!.key;
  const stored = path.join(server.storage, 'team_juni', apiKey);
  assert.ok(readdirSync(path.dirname(stored)).includes(apiKey), 'the server stored the artifact under its key');
  writeFileSync(stored, randomBytes(64));
  const b = checkout(t, a);
  const { run, report } = await buildJson(b.dir, [], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(statuses(report).api, 'built');
  assert.equal(report.nodes.find((n) => n.name === 'worker')!.cache, 'remote');
  assert.match(run.stderr, /the artifact of function api is wrongly signed; rejected, rebuilding it/);
  // Unsigned artifacts are refused as well when a key is set.
  const c = checkout(t, a);
  const unsignedServer = await RemoteCacheServer.start(t);
  await buildJson(a.dir, ['--force'], unsignedServer.env());
  const strict = await buildJson(c.dir, [], unsignedServer.env({ JUNI_REMOTE_CACHE_SIGNATURE_KEY: 'k3y' }));
  assert.equal(strict.report.summary.built, 3);
  assert.match(strict.run.stderr, /is unsigned; rejected/);
});

test('an artifact over 50 MB round-trips', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const a = tempProject(t, { 'manifest.yml': 'global: {executor: local}\nfunctions:\n  big: {include: [./blob/]}\n' });
  a.write('blob/data.bin', randomBytes(52 * 1024 * 1024).toString('latin1'));
  const first = await buildJson(a.dir, [], server.env());
  assert.equal(first.run.code, 0, first.run.stderr);
  assert.ok(first.report.nodes[0]!.outputs[0]!.bytes > 50 * 1024 * 1024);
  const b = checkout(t, a);
  const { report } = await buildJson(b.dir, [], server.env());
  assert.equal(report.nodes[0]!.cache, 'remote');
  assert.equal(sha256(b.path('dist/big.zip')), sha256(a.path('dist/big.zip')));
});

test('shards 1/3, 2/3 and 3/3 together build every node exactly once', async (t) => {
  const server = await RemoteCacheServer.start(t);
  const fns = ['a1', 'a2', 'b1', 'b2', 'c1', 'd1', 'e1'];
  const p = await standardProject(
    t,
    [
      'global: {executor: local, pipconf: ./pip.conf}',
      'layers:',
      '  shared: {include: [./src/lib/]}',
      'functions:',
      ...fns.map((f) => {
        const uses = f.startsWith('a')
          ? 'requirements: ./requirements.txt'
          : f.startsWith('b')
            ? 'layers: [shared]'
            : `requirements: ./req-${f}.txt`;
        return `  ${f}: {include: [./src/api/], ${uses}}`;
      }),
      '',
    ].join('\n'),
  );
  for (const f of ['c1', 'd1', 'e1'])
    p.write(`req-${f}.txt`, f === 'c1' ? 'tinycore\n' : f === 'd1' ? 'tinyhttp\ntinycore\n' : 'tinycore>=1.0\n');
  const pip = new PipRuns(t);
  const built: string[] = [];
  const everything = new Set<string>();
  for (const shard of ['1/3', '2/3', '3/3']) {
    const copy = checkout(t, p);
    const { run, report } = await buildJson(copy.dir, ['--shard', shard], pip.env(server.env()));
    assert.equal(run.code, 0, run.stderr);
    assert.ok(report.nodes.length > 0, `shard ${shard} has work`);
    for (const n of report.nodes) {
      everything.add(`${n.kind}:${n.name}`);
      if (n.status === 'built') built.push(`${n.kind}:${n.name}`);
    }
    const installs = report.nodes.filter((n) => n.kind === 'deps' && n.status === 'built').length;
    assert.equal(pip.since(), installs, `shard ${shard}: pip ran once per install it built`);
  }
  assert.equal(pip.count(), 4, 'four requirements files, four pip runs across the shards');
  assert.equal(built.length, new Set(built).size, `built twice: ${built.join(', ')}`);
  assert.deepEqual(
    [...everything].sort(),
    [
      ...fns.map((f) => `function:${f}`),
      'deps:req-c1.txt',
      'deps:req-d1.txt',
      'deps:req-e1.txt',
      'deps:requirements.txt',
      'layer:shared',
    ].sort(),
  );
  assert.equal(built.length, everything.size);
});
