// Native libraries with a real build image (test/docker/provision.sh's juni-test/native: gcc,
// Python headers, libyaml) and a plain Python image without libyaml (juni-test/python): a C
// extension pip builds from a local sdist is refused until its library is in the zip, juniper's
// lambda_lib way or native_libs: bundle; the zips then import in the plain image, set up as
// Lambda sets up the loader.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { BASE_IMAGE, EngineLog, leftoverContainers, requireDocker } from '../rig/docker.js';
import { buildJson, juni, statuses } from '../rig/juni.js';
import {
  NATIVE_IMAGE,
  pipConf,
  requireNativeImage,
  writeOriginRpathSdist,
  writeYamlExtSdist,
} from '../rig/native-fixture.js';
import { tempProject, type Project } from '../rig/project.js';
import { zipNames } from '../rig/zip.js';

const EXT = 'yamlext.cpython-311-x86_64-linux-gnu.so';
// Lambda's LD_LIBRARY_PATH, minus the runtime's own folders.
const LAMBDA_LIBRARY_PATH = '/var/task:/var/task/lib:/opt/lib';

async function nativeProject(t: TestContext, global: string, entries: string): Promise<Project> {
  const p = tempProject(t, { 'requirements.txt': 'yamlext\noriginext\n', 'handler.py': 'import yamlext\n' });
  await writeYamlExtSdist(p.dir);
  await writeOriginRpathSdist(p.dir);
  pipConf(p.dir);
  // The build image's Python is 3.11 (Debian bookworm): the extensions are tagged cpython-311.
  p.write('manifest.yml', `global:\n  pipconf: ./pip.conf\n  python: "3.11"\n${global}${entries}`);
  return p;
}

const API = 'functions:\n  api:\n    requirements: ./requirements.txt\n    include: [./handler.py]\n';

/**
 * Runs `code` with python3 in the plain image (no libyaml), with the function zip at /var/task and
 * the layer zips at /opt, as Lambda lays them out; the zips are copied in, not mounted.
 */
function importInPlainImage(
  zips: { fn?: string; layers?: string[] },
  code: string,
): { status: number | null; out: string } {
  const stage = mkdtempSync(path.join(tmpdir(), 'juni-lambda-'));
  try {
    const unzip = (zip: string, to: string): void => {
      execFileSync('python3', [
        '-c',
        'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
        zip,
        to,
      ]);
    };
    if (zips.fn) unzip(zips.fn, path.join(stage, 'var/task'));
    for (const layer of zips.layers ?? []) unzip(layer, path.join(stage, 'opt'));
    const env = ['-e', `LD_LIBRARY_PATH=${LAMBDA_LIBRARY_PATH}`, '-e', 'PYTHONPATH=/var/task:/opt/python'];
    const id = execFileSync('docker', ['create', '--network', 'none', ...env, BASE_IMAGE, 'python3', '-c', code], {
      encoding: 'utf8',
    }).trim();
    try {
      for (const dir of ['var/task', 'opt']) {
        spawnSync('mkdir', ['-p', path.join(stage, dir)]);
        execFileSync('docker', ['cp', `${path.join(stage, dir)}/.`, `${id}:/${dir}`]);
      }
      const run = spawnSync('docker', ['start', '-a', id], { encoding: 'utf8' });
      return { status: run.status, out: run.stdout + run.stderr };
    } finally {
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

const IMPORT_BOTH = 'import yamlext, originext; print("yaml", yamlext.version(), "answer", originext.answer())';

test('check: the extension is refused, naming libyaml and where the build image has it; originext ($ORIGIN) is not', async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const p = await nativeProject(t, `  image: ${NATIVE_IMAGE}\n`, API);
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const out = run.stdout + run.stderr;
  assert.match(out, new RegExp(`${EXT.replace(/\./g, '\\.')} needs libyaml-0\\.so\\.2`));
  assert.match(out, /the build image has it at \/(usr\/)?lib\/x86_64-linux-gnu\/libyaml-0\.so\.2/);
  assert.match(
    out,
    /RUN mkdir -p \/var\/task\/lambda_lib && cp \/(usr\/)?lib\/x86_64-linux-gnu\/libyaml-0\.so\.2 \/var\/task\/lambda_lib\//,
  );
  assert.doesNotMatch(out, /originext/, 'a library found through $ORIGIN is not flagged');
  assert.deepEqual(leftoverContainers(p.dir), []);

  // The control: unchecked, the zip is written and fails exactly as the guide warns.
  p.write('manifest.yml', p.read('manifest.yml').replace('python: "3.11"\n', 'python: "3.11"\n  native_libs: off\n'));
  assert.equal((await juni(['build'], { cwd: p.dir })).code, 0);
  const broken = importInPlainImage({ fn: p.path('dist/api.zip') }, IMPORT_BOTH);
  assert.notEqual(broken.status, 0);
  assert.match(broken.out, /ImportError: libyaml-0\.so\.2: cannot open shared object file/);
});

test("juniper's way: the library copied to /var/task/lambda_lib in the Dockerfile passes, and the zip imports", async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const p = await nativeProject(t, '  image: builder\n', API);
  p.write(
    'Dockerfile',
    `FROM ${NATIVE_IMAGE}\nRUN mkdir -p /var/task/lambda_lib && cp /usr/lib/x86_64-linux-gnu/libyaml-0.so.2 /var/task/lambda_lib/\n`,
  );
  p.write('manifest.yml', p.read('manifest.yml') + 'images:\n  builder:\n    dockerfile: ./Dockerfile\n');
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok(zipNames(p.path('dist/api.zip')).includes('libyaml-0.so.2'));
  const ok = importInPlainImage({ fn: p.path('dist/api.zip') }, IMPORT_BOTH);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /yaml 0\.2\.\d+ answer 42/);
});

test('bundle: the function and layer zips hold libyaml; both import in the plain image; a no-op build starts no container', async (t) => {
  if (!requireDocker(t) || !requireNativeImage(t)) return;
  const entries =
    'layers:\n  base:\n    requirements: ./requirements.txt\n' +
    'functions:\n  api:\n    requirements: ./requirements.txt\n    include: [./handler.py]\n' +
    // thin installs the extensions too, and finds libyaml in its layer's lib/ (/opt/lib): it bundles nothing.
    '  thin:\n    layers: [base]\n    requirements: ./requirements.txt\n    include: [./handler.py]\n';
  const p = await nativeProject(t, `  image: ${NATIVE_IMAGE}\n  native_libs: bundle\n`, entries);
  const first = await buildJson(p.dir);
  assert.equal(first.run.code, 0, first.run.stderr);
  assert.ok(zipNames(p.path('dist/api.zip')).includes('libyaml-0.so.2'));
  assert.ok(zipNames(p.path('dist/base.zip')).includes('lib/libyaml-0.so.2'));
  assert.ok(zipNames(p.path('dist/thin.zip')).includes(EXT));
  assert.ok(!zipNames(p.path('dist/thin.zip')).includes('libyaml-0.so.2'), 'thin finds it in its layer');
  const bundledOf = (name: string) =>
    (
      first.report.nodes.find((n) => n.name === name)!.outputs[0] as unknown as {
        bundled?: { soname: string; from: string }[];
      }
    ).bundled;
  assert.deepEqual(
    bundledOf('api')?.map((b) => b.soname),
    ['libyaml-0.so.2'],
  );
  assert.match(bundledOf('base')![0]!.from, /^\/(usr\/)?lib\/x86_64-linux-gnu\/libyaml-0\.so\.2$/);
  assert.equal(bundledOf('thin'), undefined);

  const fn = importInPlainImage({ fn: p.path('dist/api.zip') }, IMPORT_BOTH);
  assert.equal(fn.status, 0, fn.out);
  const layered = importInPlainImage({ fn: p.path('dist/thin.zip'), layers: [p.path('dist/base.zip')] }, IMPORT_BOTH);
  assert.equal(layered.status, 0, layered.out);

  const log = new EngineLog();
  const again = await buildJson(p.dir);
  assert.deepEqual(statuses(again.report), {
    [`image:${NATIVE_IMAGE}`]: 'cached',
    'deps:requirements.txt': 'cached',
    api: 'cached',
    base: 'cached',
    thin: 'cached',
  });
  assert.equal(log.containersCreated(p.dir), 0, 'a no-op build runs nothing on the engine');
  assert.deepEqual(leftoverContainers(p.dir), []);
});
