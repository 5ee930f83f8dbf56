// Finding a build image's shared libraries on a real engine: what its loader would open, copies
// with the image's bytes, other architectures' files ignored, refused sonames never reaching a
// container. Containers are counted from the engine's own records, not from juni's answer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createDockerSupport, type DockerSupportHandle } from '@juni/docker';
import type { LibraryLookup, LibraryRequest } from '@juni/core';
import { containersLabelled, imageId, removeContainers, removeImage, requireDocker } from '../rig/docker.js';
import { craftedElf, NATIVE_IMAGE, requireNativeImage } from '../rig/native-fixture.js';

const YAML = 'libyaml-0.so.2';

interface Rig {
  dir: string;
  support: DockerSupportHandle;
  image: string;
  find(
    request: Omit<LibraryRequest, 'architecture'> & Partial<LibraryRequest>,
    signal?: AbortSignal,
  ): Promise<LibraryLookup>;
  /** Lookup containers the engine started for this test since it began. */
  starts(): number;
  /** Lookup containers of this test that still exist. */
  left(): string[];
}

/** A temp folder, a DockerSupport whose containers carry it as their project, and counters. */
function rig(t: TestContext, image = imageId(NATIVE_IMAGE)): Rig {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-libs-'));
  const since = (Date.now() / 1000).toFixed(3);
  const labels = [`dev.juni.project=${dir}`, 'dev.juni.role=libraries'];
  t.after(() => {
    removeContainers(containersLabelled(...labels));
    rmSync(dir, { recursive: true, force: true });
  });
  const support = createDockerSupport({ env: { ...process.env, JUNI_PULL: 'never' }, project: dir });
  return {
    dir,
    support,
    image,
    find: (request, signal = new AbortController().signal) =>
      support.findLibraries(image, { architecture: 'x86_64', ...request }, { onLog: () => {}, signal }),
    starts: () => {
      const until = (Date.now() / 1000 + 0.001).toFixed(3);
      const filters = ['type=container', 'event=start', ...labels.map((l) => `label=${l}`)];
      const args = ['events', '--since', since, '--until', until, '--format', '{{.Action}}'];
      const out = execFileSync('docker', [...args, ...filters.flatMap((f) => ['--filter', f])], { encoding: 'utf8' });
      return out.split('\n').filter(Boolean).length;
    },
    left: () => containersLabelled(...labels),
  };
}

function inImage(image: string, ...command: string[]): Buffer {
  return execFileSync('docker', ['run', '--rm', '--network', 'none', image, ...command]);
}

function ready(t: TestContext): boolean {
  return requireDocker(t) && requireNativeImage(t);
}

test('libyaml is found where ldconfig says, with its versioned file as the real path, in one container', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  const cached = inImage(NATIVE_IMAGE, 'sh', '-c', `ldconfig -p | grep -F '${YAML} (libc6,x86-64)'`).toString();
  const result = await r.find({ sonames: [YAML, 'libc.so.6'] });
  assert.ok(result.ok, JSON.stringify(result));
  const [yaml, libc] = result.found;
  assert.equal(result.found.length, 2);
  assert.equal(yaml?.soname, YAML);
  assert.ok(cached.trim().endsWith(`=> ${yaml.path}`), `${yaml.path} is not ldconfig's ${cached}`);
  assert.match(yaml.realPath, /^\/usr\/lib\/x86_64-linux-gnu\/libyaml-0\.so\.2\.\d+\.\d+$/);
  assert.equal(yaml.realPath, inImage(NATIVE_IMAGE, 'readlink', '-f', yaml.path).toString().trim());
  assert.equal(yaml.copy, undefined);
  assert.equal(libc?.soname, 'libc.so.6');
  assert.equal(r.starts(), 1);
  assert.deepEqual(r.left(), []);
});

test('with dest, each library is copied to dest/<soname> with the bytes of its real file, mode 0644', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  const dest = path.join(r.dir, 'not', 'yet', 'there');
  const result = await r.find({ sonames: [YAML, 'libnope.so.9'], dest });
  assert.ok(result.ok, JSON.stringify(result));
  const [yaml] = result.found;
  assert.equal(result.found.length, 1, 'a soname the image lacks is absent');
  assert.equal(yaml?.copy, path.join(dest, YAML));
  const bytes = readFileSync(yaml.copy);
  assert.deepEqual(bytes.subarray(0, 4), Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  assert.ok(bytes.equals(inImage(NATIVE_IMAGE, 'cat', yaml.realPath)), 'the copy differs from the image file');
  assert.equal(statSync(yaml.copy).mode & 0o777, 0o644);
  assert.equal(r.starts(), 1);
  assert.deepEqual(r.left(), []);
});

test('an aarch64 lookup finds none of the x86-64 libraries', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  const result = await r.find({ sonames: [YAML, 'libc.so.6'], architecture: 'arm64', dest: r.dir });
  assert.deepEqual(result, { ok: true, found: [] });
  assert.deepEqual(r.left(), []);
});

test('a soname that is a path or an option is refused before any container runs', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  for (const soname of ['../../etc/passwd', '/usr/lib/x86_64-linux-gnu/libyaml-0.so.2', '-v', '.hidden', 'a\tb']) {
    const result = await r.find({ sonames: [YAML, soname] });
    assert.equal(result.ok, false, soname);
    if (!result.ok) {
      assert.equal(result.failure.reason, 'container-failed');
      assert.ok('message' in result.failure && result.failure.message.includes(JSON.stringify(soname)));
    }
  }
  assert.equal(r.starts(), 0);
});

test("the image's LD_LIBRARY_PATH comes first, then ld.so.cache, then the usual folders; its entrypoint is bypassed", async (t) => {
  if (!ready(t)) return;
  const tag = `juni-test/native-libs-${process.pid}:variant`;
  const context = mkdtempSync(path.join(tmpdir(), 'juni-libs-context-'));
  t.after(() => {
    removeImage(tag);
    rmSync(context, { recursive: true, force: true });
  });
  craftedElf.aarch64Library(context);
  const lib = '/usr/lib/x86_64-linux-gnu/libyaml-0.so.2';
  writeFileSync(
    path.join(context, 'Dockerfile'),
    [
      `FROM ${NATIVE_IMAGE}`,
      'COPY libarm.so.1 /usr/local/lib/',
      `RUN mkdir /opt/lib && cp -L ${lib} /opt/lib/ && cp -L ${lib} /opt/lib/libonlyhere.so.1 && cp -L ${lib} /usr/local/lib/liblocal.so.3`,
      'ENV LD_LIBRARY_PATH=/opt/lib',
      'ENTRYPOINT ["/bin/false"]',
      '',
    ].join('\n'),
  );
  execFileSync('docker', ['build', '-q', '-t', tag, context], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: 'ignore',
  });
  const r = rig(t, imageId(tag));
  const x86 = await r.find({ sonames: [YAML, 'libonlyhere.so.1', 'liblocal.so.3', 'libarm.so.1'] });
  assert.ok(x86.ok, JSON.stringify(x86));
  assert.deepEqual(
    x86.found.map((f) => [f.soname, f.path, f.realPath]),
    [
      [YAML, '/opt/lib/libyaml-0.so.2', '/opt/lib/libyaml-0.so.2'],
      ['libonlyhere.so.1', '/opt/lib/libonlyhere.so.1', '/opt/lib/libonlyhere.so.1'],
      ['liblocal.so.3', '/usr/local/lib/liblocal.so.3', '/usr/local/lib/liblocal.so.3'],
    ],
  );
  const arm = await r.find({ sonames: ['libarm.so.1', YAML], architecture: 'arm64' });
  assert.ok(arm.ok, JSON.stringify(arm));
  assert.deepEqual(
    arm.found.map((f) => f.path),
    ['/usr/local/lib/libarm.so.1'],
  );
  assert.equal(r.starts(), 2);
  assert.deepEqual(r.left(), []);
});

test('an aborted lookup answers aborted and leaves no container', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  const before = new AbortController();
  before.abort();
  assert.deepEqual(await r.find({ sonames: [YAML] }, before.signal), { ok: false, failure: { reason: 'aborted' } });
  assert.equal(r.starts(), 0);
  const during = new AbortController();
  const pending = r.find({ sonames: [YAML], dest: r.dir }, during.signal);
  setImmediate(() => during.abort());
  const result = await pending;
  assert.deepEqual(result, { ok: false, failure: { reason: 'aborted' } });
  assert.deepEqual(r.left(), []);
});

test('an image the engine lacks is a container failure naming the image', async (t) => {
  if (!ready(t)) return;
  const r = rig(t, 'sha256:' + '0'.repeat(64));
  const result = await r.find({ sonames: [YAML] });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.failure.reason, 'container-failed');
    assert.ok('message' in result.failure && result.failure.message.includes(r.image), JSON.stringify(result));
  }
});

test("a lookup script that fails is a container failure carrying the script's stderr", async (t) => {
  if (!ready(t)) return;
  const tag = `juni-test/native-libs-${process.pid}:no-od`;
  t.after(() => removeImage(tag));
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${NATIVE_IMAGE}\nRUN rm /usr/bin/od\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const r = rig(t, imageId(tag));
  const result = await r.find({ sonames: [YAML] });
  assert.deepEqual(result, {
    ok: false,
    failure: {
      reason: 'container-failed',
      message: 'the library lookup exited with 3: the image has no od, which the library lookup needs',
    },
  });
  assert.equal(r.starts(), 1);
  assert.deepEqual(r.left(), []);
});

test('a copy the host refuses to write throws its file-system error, and the container is still removed', async (t) => {
  if (!ready(t)) return;
  const r = rig(t);
  const blocker = path.join(r.dir, 'a-file');
  writeFileSync(blocker, 'not a folder');
  await assert.rejects(r.find({ sonames: [YAML], dest: path.join(blocker, 'libs') }), { code: 'ENOTDIR' });
  assert.deepEqual(r.left(), []);
});
