// The caching logic of a build, proved by counting what a fake executor was asked to do: real
// manifest, real SQLite and zips, no pip.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Executor, InstallRequest, InstallResult } from '../executors/executor.js';
import { loadManifest } from '../manifest/load.js';
import type { BuildEvent } from '../report/events.js';
import { runBuild, type BuildOutcome } from './run-build.js';

/** Installs one module named after the requirements' first line; counts its runs. */
class CountingExecutor implements Executor {
  readonly kind = 'local';
  readonly installs: string[] = [];
  installDeps(request: InstallRequest): Promise<InstallResult> {
    const requirement = readFileSync(request.node.requirements, 'utf8').split('\n')[0]!;
    this.installs.push(requirement);
    mkdirSync(path.join(request.target, requirement), { recursive: true });
    writeFileSync(path.join(request.target, requirement, '__init__.py'), `NAME = '${requirement}'\n`);
    return Promise.resolve({ ok: true });
  }
}

const MANIFEST = `global:
  executor: local
functions:
  api:
    requirements: ./requirements.txt
    include: [./src/api.py]
  worker:
    requirements: ./requirements.txt
    include: [./src/worker.py]
`;

function project(t: TestContext, manifest = MANIFEST) {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-session-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'manifest.yml'), manifest);
  writeFileSync(path.join(dir, 'requirements.txt'), 'alpha\n');
  writeFileSync(path.join(dir, 'src', 'api.py'), 'def handler(e, c): return 1\n');
  writeFileSync(path.join(dir, 'src', 'worker.py'), 'def handler(e, c): return 2\n');
  const executor = new CountingExecutor();
  const build = async (options: { force?: boolean } = {}): Promise<BuildOutcome & { events: BuildEvent[] }> => {
    const loaded = await loadManifest({ cwd: dir, env: {} });
    assert.ok(loaded.ok);
    const events: BuildEvent[] = [];
    const outcome = await runBuild({
      manifest: loaded.manifest,
      localExecutor: executor,
      env: {},
      concurrency: 2,
      onEvent: (e) => events.push(e),
      ...options,
    });
    return { ...outcome, events };
  };
  return { dir, executor, build };
}

const statuses = (outcome: BuildOutcome): Record<string, string> => {
  assert.ok('report' in outcome, `the build ran: ${JSON.stringify(outcome)}`);
  return Object.fromEntries(outcome.report.nodes.map((n) => [`${n.kind} ${n.name}`, n.status]));
};

test('two functions with one requirements file install once; a second build installs nothing', async (t) => {
  const p = project(t);
  const first = await p.build();
  assert.deepEqual(statuses(first), {
    'deps requirements.txt': 'built',
    'function api': 'built',
    'function worker': 'built',
  });
  assert.deepEqual(p.executor.installs, ['alpha']);
  const second = await p.build();
  assert.deepEqual(Object.values(statuses(second)), ['cached', 'cached', 'cached']);
  assert.deepEqual(p.executor.installs, ['alpha'], 'no second install');
});

test('a requirements edit installs again; a handler edit rebuilds one zip and installs nothing', async (t) => {
  const p = project(t);
  await p.build();
  writeFileSync(path.join(p.dir, 'src', 'api.py'), 'def handler(e, c): return 3\n');
  assert.deepEqual(statuses(await p.build()), {
    'deps requirements.txt': 'cached',
    'function api': 'built',
    'function worker': 'cached',
  });
  assert.deepEqual(p.executor.installs, ['alpha']);
  writeFileSync(path.join(p.dir, 'requirements.txt'), 'beta\n');
  assert.deepEqual(Object.values(statuses(await p.build())), ['built', 'built', 'built']);
  assert.deepEqual(p.executor.installs, ['alpha', 'beta']);
});

test('--force installs again even though everything is cached', async (t) => {
  const p = project(t);
  await p.build();
  await p.build({ force: true });
  assert.deepEqual(p.executor.installs, ['alpha', 'alpha']);
});

test('a deleted stored zip rebuilds that zip from the cached install, without installing', async (t) => {
  const p = project(t);
  await p.build();
  rmSync(path.join(p.dir, '.juni', 'artifacts', 'zips'), { recursive: true });
  mkdirSync(path.join(p.dir, '.juni', 'artifacts', 'zips'));
  const again = await p.build();
  assert.deepEqual(statuses(again), {
    'deps requirements.txt': 'cached',
    'function api': 'built',
    'function worker': 'built',
  });
  assert.deepEqual(p.executor.installs, ['alpha'], 'the pack was read, not reinstalled');
});

test('a damaged stored install is reinstalled with a warning, when a zip needs it', async (t) => {
  const p = project(t);
  await p.build();
  const deps = path.join(p.dir, '.juni', 'artifacts', 'deps');
  const pack = readdirSync(deps).find((n) => n.endsWith('.pack'))!;
  const bytes = readFileSync(path.join(deps, pack));
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(path.join(deps, pack), bytes);
  writeFileSync(path.join(p.dir, 'src', 'api.py'), 'def handler(e, c): return 4\n');
  const again = await p.build();
  assert.equal(statuses(again)['deps requirements.txt'], 'built');
  assert.deepEqual(p.executor.installs, ['alpha', 'alpha']);
  const warnings = again.events.filter((e) => e.type === 'warning').map((e) => e.message);
  assert.ok(
    warnings.some((m) => /cached install of requirements\.txt failed its hash check/.test(m)),
    warnings.join('\n'),
  );
});
