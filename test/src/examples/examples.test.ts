// The examples build as their READMEs say (copied to a temp folder, so the repository stays clean).
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { BASE_IMAGE, EngineLog, requireDocker } from '../rig/docker.js';
import { buildJson, juni, statuses } from '../rig/juni.js';
import { REPO } from '../rig/paths.js';
import { PipRuns } from '../rig/pip-runs.js';
import { tempProject } from '../rig/project.js';
import { readZip, zipNames } from '../rig/zip.js';

/** A copy of examples/<name> beside a copy of examples/wheels (the local examples' ../wheels). */
function copyExample(t: TestContext, name: string): string {
  const root = tempProject(t).dir;
  for (const dir of [name, 'wheels'])
    cpSync(path.join(REPO, 'examples', dir), path.join(root, dir), {
      recursive: true,
      filter: (src) => !/\/(dist|\.juni)(\/|$)/.test(src),
    });
  return path.join(root, name);
}

test('examples/monorepo: four functions, a shared library, two installs for four functions', async (t) => {
  const dir = copyExample(t, 'monorepo');
  const pip = new PipRuns(t);
  const { run, report } = await buildJson(dir, [], pip.env());
  assert.equal(run.code, 0, run.stderr);
  assert.equal(report.nodes.filter((n) => n.kind === 'deps').length, 2);
  assert.equal(pip.count(), 2, 'pip ran once per requirements file');
  assert.deepEqual(zipNames(path.join(dir, 'dist/orders.zip')), [
    'common/__init__.py',
    'common/responses.py',
    'dateparse/__init__.py',
    'handler.py',
    'jsonschema_lite/__init__.py',
  ]);
  assert.deepEqual(zipNames(path.join(dir, 'dist/notifications.zip')), [
    'common/__init__.py',
    'common/responses.py',
    'dateparse/__init__.py',
    'handler.py',
    'tinyhttp/__init__.py',
    'tinyhttp/request.py',
  ]);
});

test('examples/layers: the dependencies layer under python/, handlers alone in the functions', async (t) => {
  const dir = copyExample(t, 'layers');
  const pip = new PipRuns(t);
  const { run, report } = await buildJson(dir, [], pip.env());
  assert.equal(run.code, 0, run.stderr);
  assert.equal(pip.count(), 1);
  assert.deepEqual(statuses(report), {
    'deps:requirements.txt': 'built',
    deps: 'built',
    api: 'built',
    worker: 'built',
  });
  assert.deepEqual(zipNames(path.join(dir, 'dist/deps.zip')), [
    'python/dateparse/__init__.py',
    'python/jsonschema_lite/__init__.py',
    'python/tinyhttp/__init__.py',
    'python/tinyhttp/request.py',
  ]);
  assert.deepEqual(zipNames(path.join(dir, 'dist/api.zip')), ['handler.py']);
});

test('examples/ridge and examples/html-to-pdf build in Docker with their native files', async (t) => {
  if (!requireDocker(t)) return;
  const ridge = copyExample(t, 'ridge');
  const log = new EngineLog();
  const r = await buildJson(ridge);
  assert.equal(r.run.code, 0, r.run.stderr);
  assert.equal(log.pipRuns(ridge), 1, 'one pip container');
  assert.deepEqual(zipNames(path.join(ridge, 'dist/ridge.zip')), [
    'bin/ridge-cli',
    'lib/libridge.so',
    'lib/libridge.so.1',
    'python/jsonschema_lite/__init__.py',
  ]);
  assert.deepEqual(zipNames(path.join(ridge, 'dist/train.zip')), [
    'handler.py',
    'libridge.so',
    'libridge.so.1',
    'ridge-cli',
  ]);
  // Its README's promise: with `context: .`, a handler edit rebuilds that function's zip only.
  writeFileSync(path.join(ridge, 'functions/score/handler.py'), 'def handler(event, context):\n    return "edited"\n');
  log.mark();
  const edited = await buildJson(ridge);
  assert.deepEqual(statuses(edited.report), {
    'image:ridge': 'cached',
    'deps:requirements.txt': 'cached',
    ridge: 'cached',
    score: 'built',
    train: 'cached',
  });
  assert.equal(log.pipRuns(ridge), 0, 'the edit started no pip container');
  const pdf = copyExample(t, 'html-to-pdf');
  log.mark();
  const h = await buildJson(pdf);
  assert.equal(h.run.code, 0, h.run.stderr);
  assert.equal(log.pipRuns(pdf), 1);
  const tool = readZip(path.join(pdf, 'dist/html-to-pdf.zip')).find((e) => e.name === 'wkhtmltopdf');
  assert.equal(tool?.mode, 0o100755);
});

test('examples/check: check names the function whose handler cannot import; invoke prints the JSON result', async (t) => {
  if (!requireDocker(t)) return;
  const dir = copyExample(t, 'check');
  const env = { JUNI_RUNTIME_IMAGE: BASE_IMAGE };
  const check = await juni(['check'], { cwd: dir, env });
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /ok {2}check greet passed/);
  assert.match(check.stdout, /function orders: app\.handler could not be imported .*No module named 'common'/);
  assert.match(
    check.stdout,
    /hint: the zip \(and its layers\) has no module common: add it to include: under functions\.orders/,
  );
  const invoke = await juni(['invoke', 'greet', '--event', 'event.json'], { cwd: dir, env });
  assert.equal(invoke.code, 0, invoke.stderr);
  assert.deepEqual(JSON.parse(invoke.stdout), {
    statusCode: 200,
    body: 'hello juni from greet (example)',
    method: 'GET',
  });
  assert.match(invoke.stderr, /^greeting juni$/m);
  // The README's fix.
  writeFileSync(
    path.join(dir, 'manifest.yml'),
    readFileSync(path.join(dir, 'manifest.yml'), 'utf8').replace('[./orders/app.py]', '[./orders/app.py, ./common/]'),
  );
  const fixed = await juni(['check'], { cwd: dir, env });
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
});
