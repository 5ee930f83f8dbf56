// `juni check`, `juni build --check` and `juni invoke` on a real engine: each handler is imported in
// a runtime image without build tools (test/docker/provision.sh's juni-test/python, Python 3.11,
// no libyaml), with the zips copied in. Containers are counted from the engine's own events.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { BASE_IMAGE, EngineLog, leftoverContainers, requireDocker } from '../rig/docker.js';
import { juni, testEnv, type JsonReport } from '../rig/juni.js';
import { NATIVE_IMAGE, pipConf, requireNativeImage, writeYamlExtSdist } from '../rig/native-fixture.js';
import { JUNI } from '../rig/paths.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';
import { WatchRun } from '../rig/watch.js';

/** The runtime image for every test here: no network, no registry, Python 3.11. */
const RUNTIME = { JUNI_RUNTIME_IMAGE: BASE_IMAGE };

/**
 * Two functions sharing one install (a local wheel): `good` imports it, `broken` imports a module
 * the zip lacks. Dependencies install on the host (fast); the handlers run in the engine.
 */
async function twoFunctions(t: TestContext): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'good/app.py': 'import tinyhttp\n\ndef handler(event, context):\n    return {"ok": True}\n',
    'broken/app.py': 'import tinyhttp\nimport notinthezip\n\ndef handler(event, context):\n    return 1\n',
    'manifest.yml': [
      'global:',
      '  executor: local',
      '  pipconf: ./pip.conf',
      'functions:',
      '  good:',
      '    handler: app.handler',
      '    requirements: ./requirements.txt',
      '    include: [./good/app.py]',
      '  broken:',
      '    handler: app.handler',
      '    requirements: ./requirements.txt',
      '    include: [./broken/app.py]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinycore', files: { 'tinycore/__init__.py': 'CORE = True\n' } });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'import tinycore\n' }, requires: ['tinycore'] });
  return p;
}

function checkNode(report: JsonReport, name: string): JsonReport['nodes'][number] & { handler?: { python: string } } {
  const node = report.nodes.find((n) => n.kind === 'check' && n.name === name);
  assert.ok(node, `no check node for ${name} in ${JSON.stringify(report.nodes.map((n) => `${n.kind} ${n.name}`))}`);
  return node;
}

test('juni check fails by name the function whose handler cannot import, passes the other, and leaves dist alone', async (t) => {
  if (!requireDocker(t)) return;
  const p = await twoFunctions(t);
  const run = await juni(['check', '--json'], { cwd: p.dir, env: RUNTIME });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.equal(checkNode(report, 'good').status, 'built');
  assert.match(checkNode(report, 'good').handler?.python ?? '', /^3\.11\./);
  const broken = checkNode(report, 'broken');
  assert.equal(broken.status, 'failed');
  assert.match(broken.failure?.message ?? '', /function broken: app\.handler could not be imported/);
  assert.match(broken.failure?.message ?? '', /ModuleNotFoundError: No module named 'notinthezip'/);
  // Python's own words stay apart from juni's sentence.
  const data = broken.failure as unknown as { errorType: string; errorMessage: string; traceback: string[] };
  assert.deepEqual([data.errorType, data.errorMessage], ['ModuleNotFoundError', "No module named 'notinthezip'"]);
  assert.equal(data.traceback.at(-1), "ModuleNotFoundError: No module named 'notinthezip'");
  assert.match(run.stderr, /\| .*line 2, in <module>/, 'the traceback is shown');
  assert.doesNotMatch(run.stderr, /importlib/, "the runner's and importlib's frames are not the function's");
  assert.match(
    run.stderr,
    /hint: the zip \(and its layers\) has no module notinthezip: add it to include: under functions\.broken/,
  );
  // juni check builds into the cache: the output folder is `juni build`'s.
  assert.equal(existsSync(p.path('dist')), false);
  p.write('dist/other.zip', 'a zip of an earlier build');
  assert.equal((await juni(['check', '-f', 'good'], { cwd: p.dir, env: RUNTIME })).code, 0);
  assert.equal(p.read('dist/other.zip'), 'a zip of an earlier build', 'check -f cleans nothing');
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('build --check exits 1 on a bad handler, caches good checks (a second run starts no container), and places the zips', async (t) => {
  if (!requireDocker(t)) return;
  const p = await twoFunctions(t);
  const engine = new EngineLog();
  const first = await juni(['build', '--check'], { cwd: p.dir, env: RUNTIME });
  assert.equal(first.code, 1, first.stdout + first.stderr);
  assert.match(first.stdout, /ok {2}check good passed in .*: app\.handler imported in .* \(Python 3\.11\.\d+\)/);
  assert.match(first.stdout, /ERR check broken failed/);
  assert.ok(existsSync(p.path('dist/good.zip')) && existsSync(p.path('dist/broken.zip')), 'zips are placed');
  assert.equal(engine.containersCreated(p.dir), 2, 'one container per check');

  // Fixed: only the broken one runs again; the good check is cached by its inputs.
  p.write('broken/app.py', 'import tinyhttp\n\ndef handler(event, context):\n    return 1\n');
  engine.mark();
  const fixed = await juni(['build', '--check', '--json'], { cwd: p.dir, env: RUNTIME });
  assert.equal(fixed.code, 0, fixed.stderr);
  const report = JSON.parse(fixed.stdout) as JsonReport;
  assert.equal(checkNode(report, 'good').status, 'cached');
  assert.equal(checkNode(report, 'broken').status, 'built');
  assert.equal(engine.containersCreated(p.dir), 1);

  // A no-op build --check checks nothing again: no container at all.
  engine.mark();
  const noop = await juni(['build', '--check', '--json'], { cwd: p.dir, env: RUNTIME });
  assert.equal(noop.code, 0, noop.stderr);
  const again = JSON.parse(noop.stdout) as JsonReport;
  assert.deepEqual(
    again.nodes.filter((n) => n.kind === 'check').map((n) => n.status),
    ['cached', 'cached'],
  );
  assert.equal(engine.containersCreated(p.dir), 0);

  // Another memory size is another check (Lambda would run it with that limit).
  p.write('manifest.yml', p.read('manifest.yml').replace('global:\n', 'global:\n  memory_size: 256\n'));
  engine.mark();
  assert.equal((await juni(['build', '--check'], { cwd: p.dir, env: RUNTIME })).code, 0);
  assert.equal(engine.containersCreated(p.dir), 2);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('the default handler is lambda_function.lambda_handler; without that file, check says which key to set', async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'a/lambda_function.py': 'def lambda_handler(event, context):\n    return "a"\n',
    'b/main.py': 'def handler(event, context):\n    return "b"\n',
    'manifest.yml':
      'global:\n  executor: local\nfunctions:\n  a:\n    include: [./a/lambda_function.py]\n  b:\n    include: [./b/main.py]\n',
  });
  const run = await juni(['check'], { cwd: p.dir, env: RUNTIME });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /ok {2}check a passed .*lambda_function\.lambda_handler imported/);
  assert.match(run.stdout, /function b names no handler, and its zip has no lambda_function\.py at its root/);
  assert.match(run.stdout, /hint: set handler: main\.handler under functions\.b/);
});

test('juni invoke prints the JSON the handler returns, with the event and the function name; output goes to stderr', async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'app.py': [
      'import os',
      'def handler(event, context):',
      '    print("hello from the handler")',
      '    return {"name": context.function_name, "env": os.environ["AWS_LAMBDA_FUNCTION_NAME"],',
      '            "greeting": event["greeting"], "table": os.environ["TABLE"],',
      '            "left": context.get_remaining_time_in_millis() > 0,',
      '            "dsn": "postgres://admin:" + os.environ["DB_PASSWORD"] + "@db/app"}',
      'def explode(event, context):',
      '    raise ValueError("bad event: " + str(event["n"]))',
      '',
    ].join('\n'),
    'event.json': '{"greeting": "hi", "n": 7}',
    'manifest.yml': [
      'global:',
      '  executor: local',
      `  runtime_image: ${BASE_IMAGE}`,
      '  environment:',
      '    TABLE: orders',
      '    DB_PASSWORD: s3cr3t-value',
      'functions:',
      '  api:',
      '    handler: app.handler',
      '    include: [./app.py]',
      '  boom:',
      '    handler: app.explode',
      '    include: [./app.py]',
      '',
    ].join('\n'),
  });
  const run = await juni(['invoke', 'api', '--event', 'event.json'], { cwd: p.dir });
  assert.equal(run.code, 0, run.stderr);
  // The handler's own result, unchanged (juni redacts its logs, not what the function returns).
  assert.deepEqual(JSON.parse(run.stdout), {
    name: 'api',
    env: 'api',
    greeting: 'hi',
    table: 'orders',
    left: true,
    dsn: 'postgres://admin:s3cr3t-value@db/app',
  });
  assert.match(run.stderr, /^hello from the handler$/m);
  assert.doesNotMatch(run.stdout, /hello/);

  // From stdin.
  const piped = await juniWithStdin(['invoke', 'api', '--event', '-'], p.dir, '{"greeting": "from stdin"}');
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal((JSON.parse(piped.stdout) as { greeting: string }).greeting, 'from stdin');

  const raised = await juni(['invoke', 'boom', '--event', 'event.json'], { cwd: p.dir });
  assert.equal(raised.code, 1, raised.stdout + raised.stderr);
  assert.equal(raised.stdout, '');
  assert.match(raised.stderr, /function boom: app\.explode raised in .*: ValueError: bad event: 7/);
  assert.match(raised.stderr, /\| .*File "\/var\/task\/app\.py", line 9, in explode/);

  // Every invoke runs: nothing about a handler's result is cached.
  const engine = new EngineLog();
  assert.equal((await juni(['invoke', 'api', '--event', 'event.json'], { cwd: p.dir })).code, 0);
  assert.equal(engine.containersCreated(p.dir), 1);

  // No environment value reaches the cache folder (its database, the manifest memo, anything).
  for (const file of filesUnder(p.path('.juni')))
    assert.ok(!readFileSync(file).includes('s3cr3t-value'), `${file} holds an environment value`);

  const unknown = await juni(['invoke', 'apj'], { cwd: p.dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /there is no function named 'apj'.*\n {2}hint: did you mean 'api'\?/);
  p.write('bad.json', '{"greeting": ');
  const badEvent = await juni(['invoke', 'api', '--event', 'bad.json'], { cwd: p.dir });
  assert.equal(badEvent.code, 2);
  assert.match(badEvent.stderr, /the event in bad\.json is not JSON/);
  const folder = await juni(['invoke', 'api', '--event', '.'], { cwd: p.dir });
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /cannot read the event from \.: it is a folder/);
  p.write('big.json', ' '.repeat(6 * 1024 * 1024 + 1));
  const big = await juni(['invoke', 'api', '--event', 'big.json'], { cwd: p.dir });
  assert.equal(big.code, 2);
  assert.match(big.stderr, /the event in big\.json is 6291457 bytes; Lambda takes at most 6291456/);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('Ctrl-C during an invoke removes its container and exits 130', async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'app.py': 'import time\ndef handler(event, context):\n    print("sleeping", flush=True)\n    time.sleep(120)\n',
    'manifest.yml':
      'global:\n  executor: local\nfunctions:\n  slow:\n' +
      '    handler: app.handler\n    timeout: 300\n    include: [./app.py]\n',
  });
  const child = spawn(process.execPath, [JUNI, 'invoke', 'slow'], { cwd: p.dir, env: testEnv(RUNTIME) });
  let stderr = '';
  const sleeping = new Promise<void>((resolve) =>
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/^sleeping$/m.test(stderr)) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await Promise.race([sleeping, exited]);
  assert.equal(leftoverContainers(p.dir).length, 1, `the handler runs in one container: ${stderr}`);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('a native extension whose library is in the zip passes; without it, check names the library', async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const p = tempProject(t, {
    'requirements.txt': 'yamlext\n',
    'app.py': 'import yamlext\n\ndef handler(event, context):\n    return yamlext.version()\n',
  });
  await writeYamlExtSdist(p.dir);
  pipConf(p.dir);
  const manifest = (mode: string): string =>
    `global:\n  pipconf: ./pip.conf\n  python: "3.11"\n  image: ${NATIVE_IMAGE}\n  native_libs: ${mode}\n` +
    'functions:\n  api:\n    handler: app.handler\n    requirements: ./requirements.txt\n    include: [./app.py]\n';
  p.write('manifest.yml', manifest('bundle'));
  const bundled = await juni(['check'], { cwd: p.dir, env: RUNTIME });
  assert.equal(bundled.code, 0, bundled.stdout + bundled.stderr);
  const invoked = await juni(['invoke', 'api'], { cwd: p.dir, env: RUNTIME });
  assert.equal(invoked.code, 0, invoked.stderr);
  assert.match(JSON.parse(invoked.stdout) as string, /^0\.2\.\d+$/);

  // Unchecked, the zip builds without libyaml, and the runtime cannot load the extension.
  p.write('manifest.yml', manifest('off'));
  const missing = await juni(['check'], { cwd: p.dir, env: RUNTIME });
  assert.equal(missing.code, 1, missing.stdout + missing.stderr);
  assert.match(missing.stdout, /libyaml-0\.so\.2: cannot open shared object file/);
  assert.match(missing.stdout, /hint: the zip has no libyaml-0\.so\.2: native_libs: bundle under functions\.api/);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

/** `juni ARGS` with `input` on its stdin. */
function juniWithStdin(
  args: string[],
  cwd: string,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JUNI, ...args], { cwd, env: testEnv(RUNTIME) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('build --watch --check checks each rebuilt function after its zip is written, and only that one', async (t) => {
  if (!requireDocker(t)) return;
  const p = await twoFunctions(t);
  p.write('broken/app.py', 'import tinyhttp\n\ndef handler(event, context):\n    return 1\n');
  const w = new WatchRun(p.dir, ['--check'], RUNTIME);
  t.after(() => w.stop());
  const first = await w.build(1);
  assert.equal(first.ok, true, w.stderr);
  assert.deepEqual(checkStatuses(first), { broken: 'built', good: 'built' });
  await w.until('watching', () => /watching \d+ paths/.test(w.stderr));
  const engine = new EngineLog();
  p.write('good/app.py', 'import tinyhttp\nimport gone\n\ndef handler(event, context):\n    return 1\n');
  const second = await w.build(2);
  assert.equal(engine.containersCreated(p.dir), 1, 'only the rebuilt function is checked');
  assert.deepEqual(checkStatuses(second), { broken: 'cached', good: 'failed' });
  assert.match(checkNode(second, 'good').failure?.message ?? '', /No module named 'gone'/);
  assert.equal(await w.stop(), 0);
  assert.deepEqual(leftoverContainers(p.dir), []);
});

function checkStatuses(report: JsonReport): Record<string, string> {
  return Object.fromEntries(report.nodes.filter((n) => n.kind === 'check').map((n) => [n.name, n.status]));
}

test("a check's key holds the layers' order: swapping two layers that ship one file checks again", async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'la/python/shared.py': 'OK = 1\n',
    'lb/python/shared.py': 'X = 1\n',
    'app.py': 'from shared import OK\n\ndef handler(event, context):\n    return OK\n',
  });
  const manifest = (order: string): string =>
    'global:\n  executor: local\nlayers:\n  la:\n    include: [./la/python/shared.py]\n  lb:\n    include: [./lb/python/shared.py]\n' +
    `functions:\n  api:\n    handler: app.handler\n    layers: [${order}]\n    include: [./app.py]\n`;
  p.write('manifest.yml', manifest('lb, la'));
  assert.equal((await juni(['check'], { cwd: p.dir, env: RUNTIME })).code, 0, 'la, the later layer, wins');
  p.write('manifest.yml', manifest('la, lb'));
  const engine = new EngineLog();
  const swapped = await juni(['check'], { cwd: p.dir, env: RUNTIME });
  assert.equal(swapped.code, 1, swapped.stdout + swapped.stderr);
  assert.match(swapped.stdout, /ImportError: cannot import name 'OK' from 'shared'/);
  assert.equal(engine.containersCreated(p.dir), 1);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : [],
  );
}

test('a runtime image the engine lacks, or no engine at all, fails the check with hints about checks', async (t) => {
  if (!requireDocker(t)) return;
  const p = tempProject(t, {
    'app.py': 'def handler(event, context):\n    return 1\n',
    'manifest.yml':
      'global:\n  executor: local\nfunctions:\n  api:\n    handler: app.handler\n    include: [./app.py]\n',
  });
  const missing = await juni(['check'], { cwd: p.dir, env: { JUNI_RUNTIME_IMAGE: 'juni-test/no-such-runtime:1' } });
  assert.equal(missing.code, 1, missing.stdout + missing.stderr);
  assert.match(
    missing.stdout,
    /juni-test\/no-such-runtime:1 is not on the Docker engine.*\(the runtime image of api\)/,
  );
  assert.match(missing.stdout, /hint: set runtime_image: under functions\.api \(or global:\) .*JUNI_RUNTIME_IMAGE/);
  const noEngine = await juni(['check'], { cwd: p.dir, env: { ...RUNTIME, DOCKER_HOST: 'unix:///nonexistent.sock' } });
  assert.equal(noEngine.code, 1);
  assert.match(noEngine.stdout, /the Docker engine at unix:\/\/\/nonexistent\.sock is not reachable/);
  assert.doesNotMatch(noEngine.stdout, /--executor local/, 'a check needs the engine whatever the executor');
});
