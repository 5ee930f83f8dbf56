// The command line itself: help, version, plain progress when piped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { juni } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { REPO } from '../rig/paths.js';
import { standardProject, tempProject } from '../rig/project.js';

test('--help and --version', async () => {
  const help = await juni(['--help'], { cwd: REPO });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /juni build \[options\]/);
  assert.match(help.stdout, /Exit codes: 0 built, 1 a build failed, 2 bad usage or a bad manifest/);
  const version = await juni(['--version'], { cwd: REPO });
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'packages/core/package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
});

test('piped output is plain lines with a summary; --json keeps stdout to one object', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const plain = await juni(['build'], { cwd: p.dir, env: pip.env() });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /ok {2}function api built in \d+(ms|\.\ds) -> dist\/api\.zip/);
  assert.match(plain.stdout, /juni: 3 built, 0 cached in .*; .* written/);
  assert.doesNotMatch(plain.stdout, /\u001b\[/, 'no escape codes when piped');
  assert.equal(pip.since(), 1);
  const json = await juni(['build', '--json'], { cwd: p.dir, env: pip.env() });
  const report = JSON.parse(json.stdout) as {
    nodes: { kind: string; name: string; status: string; key: string; outputs: unknown[] }[];
    summary: Record<string, number>;
  };
  assert.deepEqual(
    report.nodes.map((n) => `${n.kind} ${n.name} ${n.status}`),
    ['deps requirements.txt cached', 'function api cached', 'function worker cached'],
  );
  assert.match(report.nodes[1]!.key, /^[0-9a-f]{16}$/);
  assert.deepEqual(Object.keys(report.summary).sort(), [
    'built',
    'bytesWritten',
    'cached',
    'durationMs',
    'failed',
    'skipped',
  ]);
  assert.match(json.stderr, /juni: 3 nodes planned/);
  assert.equal(pip.since(), 0, 'the cached install ran no pip');
});

test('every option a command accepts is read: why --force, graph --json, clean --json; why refuses -f', async (t) => {
  const p = tempProject(t, {
    'src/handler.py': 'H = 1\n',
    'manifest.yml': 'global: {executor: local}\nfunctions:\n  api: {include: [./src/handler.py]}\n',
  });
  assert.equal((await juni(['build'], { cwd: p.dir })).code, 0);
  const forced = await juni(['why', 'api', '--force'], { cwd: p.dir });
  assert.match(forced.stdout, /function api: would rebuild now\n {2}- --force/);
  assert.match((await juni(['why', 'api'], { cwd: p.dir })).stdout, /function api: is up to date/);
  const filtered = await juni(['why', 'api', '-f', 'x'], { cwd: p.dir });
  assert.equal(filtered.code, 2);
  assert.match(filtered.stderr, /option '--function' does not apply to juni why/);
  const graph = JSON.parse((await juni(['graph', '--json'], { cwd: p.dir })).stdout) as { nodes: { id: string }[] };
  assert.ok(graph.nodes.some((n) => n.id === 'function:api'));
  const cleaned = await juni(['clean', '--json'], { cwd: p.dir });
  assert.deepEqual(JSON.parse(cleaned.stdout), {
    ok: true,
    zips: [p.path('dist', 'api.zip')],
    cache: p.path('.juni'),
  });
});
