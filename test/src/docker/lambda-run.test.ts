// Running a handler where Lambda would, on a real engine: the import, the find, the invoke and the
// result as Python gave them; layers at /opt in order; the sandbox (read-only code, no network, a
// non-root user) and the limits. Leftover containers are counted from the engine, not from juni.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createDockerSupport } from '@juni/docker';
import type { LambdaRunOutcome, LambdaRunRequest, NodeFailure } from '@juni/core';
import {
  BASE_IMAGE,
  containersLabelled,
  imageId,
  removeContainers,
  removeImage,
  requireDocker,
} from '../rig/docker.js';
import { writeZip } from '../rig/lambda-zips.js';

interface Rig {
  dir: string;
  zip(name: string, files: Record<string, string>, mode?: number): Promise<string>;
  /** Runs the function zip `app` (its `app.py`) with `request` over the defaults; log lines collected. */
  run(
    app: Record<string, string>,
    request?: Partial<LambdaRunRequest>,
    options?: { signal?: AbortSignal; onLog?: (line: string) => void },
  ): Promise<{ outcome: LambdaRunOutcome; log: string[] }>;
  /** Containers of this test's project that still exist. */
  left(): string[];
}

function rig(t: TestContext): Rig {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-lambda-'));
  const label = `dev.juni.project=${dir}`;
  t.after(() => {
    removeContainers(containersLabelled(label));
    rmSync(dir, { recursive: true, force: true });
  });
  const support = createDockerSupport({ env: { ...process.env, JUNI_PULL: 'never' }, project: dir });
  const image = imageId(BASE_IMAGE);
  let zips = 0;
  const zip = (name: string, files: Record<string, string>, mode?: number): Promise<string> =>
    writeZip(dir, name, files, mode);
  return {
    dir,
    zip,
    async run(app, request = {}, options = {}) {
      const log: string[] = [];
      const outcome = await support.runLambda(
        {
          imageId: image,
          imageRef: BASE_IMAGE,
          functionName: 'orders',
          handler: 'app.handler',
          zip: await zip(`function-${++zips}.zip`, app),
          layers: [],
          python: undefined,
          architecture: 'x86_64',
          memoryMb: 128,
          timeoutSeconds: 5,
          environment: {},
          ...request,
        },
        {
          onLog: (line) => {
            log.push(line);
            options.onLog?.(line);
          },
          signal: options.signal ?? new AbortController().signal,
        },
      );
      return { outcome, log };
    },
    left: () => containersLabelled(label),
  };
}

function failure(outcome: LambdaRunOutcome): NodeFailure {
  assert.equal(outcome.ok, false, `expected a failure, got ${JSON.stringify(outcome)}`);
  return (outcome as { failure: NodeFailure }).failure;
}

function result(outcome: LambdaRunOutcome): unknown {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(typeof outcome.result, 'string');
  return JSON.parse(outcome.result!);
}

const HANDLER = 'def handler(event, context):\n    return {"ok": True}\n';

test('a handler that imports: ok, with the image Python and no result without an event', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const { outcome } = await r.run({ 'app.py': HANDLER });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.match(outcome.python, /^3\.11\.\d+$/);
  assert.equal(outcome.result, undefined);
  assert.equal(outcome.invokeMs, undefined);
  assert.ok(outcome.initMs >= 0);
  assert.deepEqual(r.left(), []);
});

test('a module that does not import fails at import with Python type, message and traceback', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const { outcome } = await r.run({ 'app.py': `import missing\n${HANDLER}` });
  const f = failure(outcome);
  assert.equal(f.reason, 'handler-failed');
  if (f.reason !== 'handler-failed') return;
  assert.deepEqual(
    {
      entry: f.entry,
      handler: f.handler,
      image: f.image,
      phase: f.phase,
      errorType: f.errorType,
      errorMessage: f.errorMessage,
    },
    {
      entry: 'orders',
      handler: 'app.handler',
      image: BASE_IMAGE,
      phase: 'import',
      errorType: 'ModuleNotFoundError',
      errorMessage: "No module named 'missing'",
    },
  );
  assert.equal(f.traceback[0], 'Traceback (most recent call last):');
  assert.ok(f.traceback.includes('  File "/var/task/app.py", line 1, in <module>'), f.traceback.join('\n'));
  assert.equal(f.traceback.at(-1), "ModuleNotFoundError: No module named 'missing'");
  assert.ok(!f.traceback.some((l) => l.includes('<string>') || l.includes('\n')), f.traceback.join('\n'));
  assert.deepEqual(r.left(), []);
});

test('a handler name the module lacks fails at find, in Lambda words', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const f = failure((await r.run({ 'app.py': HANDLER }, { handler: 'app.nope' })).outcome);
  assert.equal(f.reason, 'handler-failed');
  if (f.reason !== 'handler-failed') return;
  assert.equal(f.phase, 'find');
  assert.equal(f.errorMessage, "Handler 'nope' missing on module 'app'");
  assert.deepEqual(r.left(), []);
});

test('layers are unpacked at /opt in order: python/ is importable, a later layer wins a path', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const first = await r.zip('first.zip', { 'python/shared.py': 'WHO = "first"\n', 'python/only.py': 'WHO = "only"\n' });
  const second = await r.zip('second.zip', { 'python/shared.py': 'WHO = "second"\n' });
  const app = [
    'import only, shared',
    'def handler(event, context):',
    '    return {"shared": shared.WHO, "only": only.WHO, "at": shared.__file__}',
  ].join('\n');
  const { outcome } = await r.run({ 'app.py': app }, { layers: [first, second], event: '{}' });
  assert.deepEqual(result(outcome), { shared: 'second', only: 'only', at: '/opt/python/shared.py' });
  assert.deepEqual(r.left(), []);
});

test('an invoke returns the handler JSON; it sees the event, context, Lambda variables and its own', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = [
    'import os, sys',
    'def handler(event, context):',
    '    print("hello from print")',
    '    sys.stderr.write("and from stderr\\n")',
    '    return {',
    '        "event": event,',
    '        "name": context.function_name,',
    '        "arn": context.invoked_function_arn,',
    '        "remaining": context.get_remaining_time_in_millis() > 0,',
    '        "variable": os.environ["AWS_LAMBDA_FUNCTION_NAME"],',
    '        "mine": os.environ["MY_SETTING"],',
    '        "home": os.environ.get("HOME_SECRET_FROM_HOST"),',
    '    }',
  ].join('\n');
  process.env.HOME_SECRET_FROM_HOST = 'not for the container';
  t.after(() => delete process.env.HOME_SECRET_FROM_HOST);
  const { outcome, log } = await r.run(
    { 'app.py': app },
    { event: '{"order": 42}', environment: { MY_SETTING: 'blue' } },
  );
  assert.deepEqual(result(outcome), {
    event: { order: 42 },
    name: 'orders',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    remaining: true,
    variable: 'orders',
    mine: 'blue',
    home: null,
  });
  assert.ok(outcome.ok && typeof outcome.invokeMs === 'number');
  assert.ok(log.includes('hello from print'), log.join('\n'));
  assert.ok(log.includes('and from stderr'), log.join('\n'));
  assert.deepEqual(r.left(), []);
});

test('a handler that raises fails at invoke with its traceback', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = 'def handler(event, context):\n    raise ValueError("bad order")\n';
  const f = failure((await r.run({ 'app.py': app }, { event: '{}' })).outcome);
  assert.equal(f.reason, 'handler-failed');
  if (f.reason !== 'handler-failed') return;
  assert.deepEqual([f.phase, f.errorType, f.errorMessage], ['invoke', 'ValueError', 'bad order']);
  assert.ok(f.traceback.includes('  File "/var/task/app.py", line 2, in handler'), f.traceback.join('\n'));
  assert.equal(f.traceback.at(-1), 'ValueError: bad order');
  assert.deepEqual(r.left(), []);
});

test('a result that is not JSON fails at result, in Lambda words', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = 'def handler(event, context):\n    return {1, 2}\n';
  const f = failure((await r.run({ 'app.py': app }, { event: '{}' })).outcome);
  assert.equal(f.reason, 'handler-failed');
  if (f.reason !== 'handler-failed') return;
  assert.equal(f.phase, 'result');
  assert.equal(f.errorMessage, 'Unable to marshal response: Object of type set is not JSON serializable');
  assert.deepEqual(r.left(), []);
});

test('the sandbox: root-owned read-only code, a writable /tmp, no network, uid 993', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = [
    'import os, socket',
    'def attempt(action):',
    '    try:',
    '        action()',
    '        return "ok"',
    '    except OSError as e:',
    '        return "refused"',
    'def write(p):',
    '    with open(p, "w") as f:',
    '        f.write("x")',
    'def connect():',
    '    socket.create_connection(("1.1.1.1", 53), timeout=2).close()',
    'def handler(event, context):',
    '    st = os.stat("/var/task/app.py")',
    '    folder = os.stat("/var/task/pkg")',
    '    lines = open("/proc/net/dev").read().splitlines()[2:]',
    '    return {',
    '        "task": attempt(lambda: write("/var/task/new.txt")),',
    '        "code": attempt(lambda: write("/var/task/app.py")),',
    '        "root": attempt(lambda: write("/etc/new.txt")),',
    '        "tmp": attempt(lambda: write("/tmp/new.txt")),',
    '        "net": attempt(connect),',
    '        "interfaces": sorted(l.split(":")[0].strip() for l in lines),',
    '        "user": [os.getuid(), os.getgid()],',
    '        "owner": [st.st_uid, st.st_gid, oct(st.st_mode & 0o777), oct(folder.st_mode & 0o777)],',
    '        "cwd": os.getcwd(),',
    '    }',
  ].join('\n');
  const { outcome } = await r.run({ 'app.py': app, 'pkg/__init__.py': '' }, { event: '{}' });
  assert.deepEqual(result(outcome), {
    task: 'refused',
    code: 'refused',
    root: 'refused',
    tmp: 'ok',
    net: 'refused',
    interfaces: ['lo'],
    user: [993, 990],
    owner: [0, 0, '0o644', '0o755'],
    cwd: '/var/task',
  });
  assert.deepEqual(r.left(), []);
});

test('zips for another Python are refused: runtime-mismatch with the Python found', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const f = failure((await r.run({ 'app.py': HANDLER }, { python: '3.12' })).outcome);
  assert.deepEqual(f, {
    reason: 'runtime-mismatch',
    entry: 'orders',
    image: BASE_IMAGE,
    expected: '3.12',
    found: '3.11',
  });
  assert.deepEqual(r.left(), []);
});

test('a handler past its timeout is a handler-limit timeout', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = 'import time\ndef handler(event, context):\n    time.sleep(60)\n';
  const f = failure((await r.run({ 'app.py': app }, { event: '{}', timeoutSeconds: 1 })).outcome);
  assert.deepEqual(f, {
    reason: 'handler-limit',
    entry: 'orders',
    handler: 'app.handler',
    image: BASE_IMAGE,
    phase: 'invoke',
    limit: 'timeout',
    value: 1,
  });
  assert.deepEqual(r.left(), []);
});

test('a handler over its memory size is a handler-limit memory', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = 'def handler(event, context):\n    data = b"x" * (200 * 1024 * 1024)\n    return len(data)\n';
  const f = failure((await r.run({ 'app.py': app }, { event: '{}', memoryMb: 64 })).outcome);
  assert.deepEqual(f, {
    reason: 'handler-limit',
    entry: 'orders',
    handler: 'app.handler',
    image: BASE_IMAGE,
    phase: 'invoke',
    limit: 'memory',
    value: 64,
  });
  assert.deepEqual(r.left(), []);
});

test('an abort while the handler runs ends the run as aborted and removes the container', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = 'import time\ndef handler(event, context):\n    print("sleeping")\n    time.sleep(120)\n';
  const controller = new AbortController();
  let running = 0;
  const { outcome } = await r.run(
    { 'app.py': app },
    { event: '{}', timeoutSeconds: 300 },
    {
      signal: controller.signal,
      onLog: (line) => {
        if (line !== 'sleeping') return;
        running = containersLabelled(`dev.juni.project=${r.dir}`, 'dev.juni.role=lambda').length;
        controller.abort();
      },
    },
  );
  assert.equal(running, 1);
  assert.deepEqual(outcome, { ok: false, failure: { reason: 'aborted' } });
  assert.deepEqual(r.left(), []);
});

test('a zip with a symbolic link is refused before anything runs', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const link = await r.zip('link.zip', { 'python/escape': '/etc/passwd' }, 0o120777);
  const f = failure((await r.run({ 'app.py': HANDLER }, { layers: [link] })).outcome);
  assert.equal(f.reason, 'container-failed');
  if (f.reason !== 'container-failed') return;
  assert.match(f.message, /link\.zip has the entry "python\/escape", which is a symbolic link/);
  assert.deepEqual(r.left(), []);
});

test('a handler that ignores the runner alarm is killed from outside: still a handler-limit timeout', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const app = [
    'import signal, time',
    'def handler(event, context):',
    '    signal.signal(signal.SIGALRM, signal.SIG_IGN)',
    '    time.sleep(600)',
  ].join('\n');
  const f = failure((await r.run({ 'app.py': app }, { event: '{}', timeoutSeconds: 1 })).outcome);
  assert.deepEqual(f, {
    reason: 'handler-limit',
    entry: 'orders',
    handler: 'app.handler',
    image: BASE_IMAGE,
    phase: 'invoke',
    limit: 'timeout',
    value: 1,
  });
  assert.deepEqual(r.left(), []);
});

test('an image without python3 is a container-failed that says why', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/no-python:${process.pid}`;
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${BASE_IMAGE}\nRUN rm -f /usr/bin/python3 /usr/local/bin/python3\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  t.after(() => removeImage(tag));
  const r = rig(t);
  const f = failure((await r.run({ 'app.py': HANDLER }, { imageId: imageId(tag), imageRef: tag })).outcome);
  assert.equal(f.reason, 'container-failed');
  if (f.reason !== 'container-failed') return;
  assert.match(f.message, new RegExp(`the runtime container for orders \\(image ${tag}\\)`));
  assert.match(f.message, /python3/);
  assert.deepEqual(r.left(), []);
});

test('arm64 zips run on the arm64 platform: an image the engine has only for amd64 is refused, not run as amd64', async (t) => {
  if (!requireDocker(t)) return;
  const r = rig(t);
  const { outcome } = await r.run({ 'app.py': HANDLER }, { architecture: 'arm64' });
  const f = failure(outcome);
  assert.equal(f.reason, 'container-failed');
  if (f.reason === 'container-failed') assert.match(f.message, /platform|arm64/);
  assert.deepEqual(r.left(), []);
});
