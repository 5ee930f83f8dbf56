// Native libraries with the local executor (pip and gcc on this machine): a zip whose .so needs a
// library Lambda lacks is refused, naming the file, the library and where this machine has it;
// bundling copies it in; what the loader would find ($ORIGIN RPATHs, the layers' lib/) is not
// flagged; other architectures, newer glibc and other Pythons are refused. The Docker side, with a
// real build image, is in test/src/docker/native-libs.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildJson, juni, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';
import { readZip, zipNames } from '../rig/zip.js';

/** This machine's libyaml, found the way the test expects juni to find it. */
function hostLibyaml(): string {
  const line = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => /^\s*libyaml-0\.so\.2 \(libc6,x86-64\)/.test(l));
  assert.ok(line, 'this machine has libyaml-0.so.2 (Debian: libyaml-0-2)');
  return line.split('=> ')[1]!.trim();
}

/** Compiles C into a shared library with the host's gcc; returns its bytes. */
function gccShared(dir: string, name: string, c: string, args: string[] = []): Buffer {
  writeFileSync(path.join(dir, `${name}.c`), c);
  execFileSync('gcc', ['-shared', '-fPIC', '-o', name, `${name}.c`, ...args], { cwd: dir, stdio: 'pipe' });
  return readFileSync(path.join(dir, name));
}

const YAML_C =
  'const char *yaml_get_version_string(void);\nconst char *v(void) { return yaml_get_version_string(); }\n';
const EXT = 'yamlext.cpython-311-x86_64-linux-gnu.so';

/** A project whose one wheel holds an extension linking libyaml, in function api (and layer base). */
async function yamlProject(t: TestContext, settings = '', extra: Record<string, string> = {}): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'yamlext\n',
    'src/handler.py': 'import yamlext\n',
    ...extra,
  });
  const ext = gccShared(p.dir, 'ext.so', YAML_C, [hostLibyaml()]);
  await p.wheel({ name: 'yamlext', files: { [EXT]: ext } });
  p.write(
    'manifest.yml',
    `global:\n  executor: local\n  pipconf: ./pip.conf\n${settings}` +
      'functions:\n  api:\n    requirements: ./requirements.txt\n    include: [./src/handler.py]\n',
  );
  return p;
}

test('check (the default): a .so needing a library Lambda lacks fails the entry, naming both and where this machine has it', async (t) => {
  const p = await yamlProject(t);
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 1, run.stderr);
  const out = run.stdout + run.stderr;
  assert.match(out, new RegExp(`${EXT.replace(/\./g, '\\.')} needs libyaml-0\\.so\\.2`));
  assert.match(out, new RegExp(`this machine has it at ${hostLibyaml().replace(/\./g, '\\.')}`));
  assert.match(out, /native_libs: bundle/);
  assert.doesNotMatch(out, /at .*\.js:\d+/, 'no stack trace');
  assert.throws(() => readFileSync(p.path('dist/api.zip')), /ENOENT/, 'no zip is written for a refused entry');

  const { report } = await buildJson(p.dir);
  const api = report.nodes.find((n) => n.name === 'api')!;
  const failure = api.failure as unknown as {
    reason: string;
    problems: { problem: string; file: string; soname: string; foundAt: string }[];
  };
  assert.equal(failure.reason, 'native-libs');
  assert.deepEqual(failure.problems, [
    { problem: 'missing', file: EXT, soname: 'libyaml-0.so.2', foundAt: hostLibyaml() },
  ]);
});

test('bundle copies the library (the file, under its soname) to the zip root; --json lists it; a no-op installs nothing', async (t) => {
  const p = await yamlProject(t, '  native_libs: bundle\n');
  const pip = new PipRuns(t);
  const first = await buildJson(p.dir, [], pip.env());
  assert.equal(first.run.code, 0, first.run.stderr);
  const api = first.report.nodes.find((n) => n.name === 'api')!;
  const bundled = (
    api.outputs[0] as unknown as { bundled: { soname: string; from: string; path: string; bytes: number }[] }
  ).bundled;
  const real = realpathSync(hostLibyaml());
  assert.deepEqual(bundled, [
    { soname: 'libyaml-0.so.2', from: hostLibyaml(), path: 'libyaml-0.so.2', bytes: readFileSync(real).length },
  ]);
  const zip = readZip(p.path('dist/api.zip'));
  assert.deepEqual(
    zip.map((e) => e.name),
    ['handler.py', 'libyaml-0.so.2', EXT],
  );
  assert.equal(zip.find((e) => e.name === 'libyaml-0.so.2')!.mode, 0o100644);
  const zipBytes = readFileSync(p.path('dist/api.zip'));

  const again = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(statuses(again.report), { 'deps:requirements.txt': 'cached', api: 'cached' });
  assert.equal(pip.runs().length, 1, 'pip ran once');
  assert.deepEqual(
    (again.report.nodes.find((n) => n.name === 'api')!.outputs[0] as unknown as { bundled: unknown }).bundled,
    bundled,
  );
  assert.ok(readFileSync(p.path('dist/api.zip')).equals(zipBytes));
});

test("juniper's way (the library in the zip) and runtime_libs both pass; native_libs: off writes the zip unchecked", async (t) => {
  const copy = await yamlProject(t);
  copy.write('src/handler.py', 'import yamlext\n');
  writeFileSync(copy.path('src/libyaml-0.so.2'), readFileSync(realpathSync(hostLibyaml())));
  copy.write(
    'manifest.yml',
    'global:\n  executor: local\n  pipconf: ./pip.conf\nfunctions:\n  api:\n    requirements: ./requirements.txt\n' +
      '    include: [./src/handler.py, ./src/libyaml-0.so.2]\n',
  );
  assert.equal((await juni(['build'], { cwd: copy.dir })).code, 0);

  const listed = await yamlProject(t, '  runtime_libs: [libyaml-0.so.2]\n');
  assert.equal((await juni(['build'], { cwd: listed.dir })).code, 0);
  assert.deepEqual(zipNames(listed.path('dist/api.zip')), ['handler.py', EXT]);

  const off = await yamlProject(t, '  native_libs: off\n');
  assert.equal((await juni(['build'], { cwd: off.dir })).code, 0);
});

test('a layer bundles into its lib/ (/opt/lib), and a function listing it finds the library there', async (t) => {
  const p = await yamlProject(t);
  p.write(
    'manifest.yml',
    [
      'global:\n  executor: local\n  pipconf: ./pip.conf',
      'layers:\n  base:\n    requirements: ./requirements.txt\n    native_libs: bundle',
      'functions:\n  api:\n    layers: [base]\n    include: [./src/handler.py, ./ext]',
      '',
    ].join('\n'),
  );
  // The function carries its own copy of the extension: it needs libyaml, which only the layer has.
  p.write('ext/placeholder.txt', 'x\n');
  writeFileSync(p.path('ext', EXT), gccShared(p.dir, 'ext2.so', YAML_C, [hostLibyaml()]));
  const run = await buildJson(p.dir);
  assert.equal(run.run.code, 0, run.run.stderr);
  assert.deepEqual(zipNames(p.path('dist/base.zip')), ['lib/libyaml-0.so.2', `python/${EXT}`]);
  assert.deepEqual(zipNames(p.path('dist/api.zip')), ['ext/placeholder.txt', `ext/${EXT}`, 'handler.py'].sort());

  // Without the layer's copy the function is refused: /opt/lib is where it was found.
  p.write(
    'manifest.yml',
    readFileSync(p.path('manifest.yml'), 'utf8').replace('native_libs: bundle', 'native_libs: off'),
  );
  const refused = await juni(['build'], { cwd: p.dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stdout + refused.stderr, /function api would not load on Lambda/);
});

test("a layer some function lists may rely on another layer's lib/: the function judges it, naming the layer", async (t) => {
  const p = await yamlProject(t);
  p.write('requirements-py.txt', 'yamlext2\n');
  await p.wheel({
    name: 'yamlext2',
    files: { 'yamlext2.abi3.so': gccShared(p.dir, 'ext2.so', YAML_C, [hostLibyaml()]) },
  });
  const manifest = (apiLayers: string): string =>
    [
      'global:\n  executor: local\n  pipconf: ./pip.conf',
      'layers:\n  libs:\n    requirements: ./requirements.txt\n    native_libs: bundle',
      '  py:\n    requirements: ./requirements-py.txt',
      `functions:\n  api:\n    layers: [${apiLayers}]\n    include: [./src/handler.py]`,
      '',
    ].join('\n');
  // py needs libyaml, which only libs has: together they load.
  p.write('manifest.yml', manifest('libs, py'));
  const together = await juni(['build'], { cwd: p.dir });
  assert.equal(together.code, 0, together.stdout + together.stderr);
  assert.deepEqual(zipNames(p.path('dist/py.zip')), ['python/yamlext2.abi3.so']);

  // Without libs, the function that lists py is refused, naming py's file.
  p.write('manifest.yml', manifest('py'));
  const alone = await juni(['build'], { cwd: p.dir });
  assert.equal(alone.code, 1);
  assert.match(alone.stdout + alone.stderr, /layer py: python\/yamlext2\.abi3\.so needs libyaml-0\.so\.2/);
  assert.match(alone.stdout + alone.stderr, /function api would not load on Lambda/);
});

test("an $ORIGIN RPATH to the package's own .libs folder (auditwheel's layout) is not flagged", async (t) => {
  const p = tempProject(t, { 'pip.conf': PIP_CONF, 'requirements.txt': 'originext\n', 'h.py': 'x = 1\n' });
  const helper = gccShared(p.dir, 'libhelper.so.1', 'int helper(void) { return 1; }\n', ['-Wl,-soname,libhelper.so.1']);
  const ext = gccShared(p.dir, 'ext.so', 'int helper(void);\nint f(void) { return helper(); }\n', [
    '-L.',
    '-l:libhelper.so.1',
    '-Wl,-rpath,$ORIGIN/../originext.libs',
  ]);
  await p.wheel({ name: 'originext', files: { 'originext/_ext.so': ext, 'originext.libs/libhelper.so.1': helper } });
  p.write(
    'manifest.yml',
    'global:\n  executor: local\n  pipconf: ./pip.conf\nfunctions:\n  api:\n    requirements: ./requirements.txt\n    include: [./h.py]\n',
  );
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
});

test('another architecture, a newer glibc than python 3.12 has, and an extension for another Python are refused by name', async (t) => {
  const p = tempProject(t, { 'h.py': 'x = 1\n' });
  const plain = gccShared(p.dir, 'plain.so', 'int f(void) { return 1; }\n');
  const arm = Buffer.from(plain);
  arm.writeUInt16LE(183, 18); // e_machine: aarch64
  writeFileSync(p.path('arm.so'), arm);
  gccShared(p.dir, 'new.so', '#include <stdlib.h>\nunsigned r(void) { return arc4random(); }\n');
  writeFileSync(p.path('old.cpython-311-x86_64-linux-gnu.so'), plain);
  p.write(
    'manifest.yml',
    'global:\n  executor: local\n  python: "3.12"\nfunctions:\n  api:\n' +
      '    include: [./h.py, ./arm.so, ./new.so, ./old.cpython-311-x86_64-linux-gnu.so]\n',
  );
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 1, run.stderr);
  const out = run.stdout + run.stderr;
  assert.match(out, /arm\.so is built for aarch64 \(64-bit\); the target is x86_64/);
  assert.match(out, /new\.so needs glibc 2\.36; Lambda's python3\.12 runtime \(Amazon Linux 2023\) has glibc 2\.34/);
  assert.match(out, /old\.cpython-311-x86_64-linux-gnu\.so is built for Python 3\.11; the target is Python 3\.12/);
  assert.throws(() => readFileSync(p.path('dist/api.zip')), /ENOENT/);
});

test('juni why names the native_libs change; a bad native_libs or runtime_libs is a manifest error (exit 2)', async (t) => {
  const p = await yamlProject(t, '  native_libs: off\n');
  assert.equal((await juni(['build'], { cwd: p.dir })).code, 0);
  p.write(
    'manifest.yml',
    readFileSync(p.path('manifest.yml'), 'utf8').replace('native_libs: off', 'native_libs: bundle'),
  );
  const why = await juni(['why', 'api'], { cwd: p.dir });
  assert.equal(why.code, 0, why.stderr);
  assert.match(why.stdout, /setting native_libs changed from "off" to "bundle"/);
  // Bundled from this machine, the zip depends on its libraries: their identity is in the key.
  assert.match(why.stdout, /setting host_libraries changed from null to "[0-9a-f]+"/);

  p.write(
    'manifest.yml',
    readFileSync(p.path('manifest.yml'), 'utf8').replace('native_libs: bundle', 'native_libs: bundel'),
  );
  const bad = await juni(['build'], { cwd: p.dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /manifest\.yml:\d+:\d+ .*native_libs/);
  p.write(
    'manifest.yml',
    readFileSync(p.path('manifest.yml'), 'utf8').replace('native_libs: bundel', 'runtime_libs: [/usr/lib/libyaml.so]'),
  );
  const path2 = await juni(['build'], { cwd: p.dir });
  assert.equal(path2.code, 2);
  assert.match(path2.stderr, /runtime_libs lists '\/usr\/lib\/libyaml\.so', which is not a library's soname/);
});
