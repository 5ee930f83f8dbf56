// A hostile or broken remote cache server (silent, stalling, oversized, a gzip bomb, credentials in
// its URL) costs a build bounded time and memory, a warning, and never the build itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { artifactServer, remoteEnv, silentServer, streamZeros } from '../rig/hostile-server.js';
import { buildJson, statuses, testEnv, type JsonReport, type JuniRun } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { standardProject } from '../rig/project.js';

const MiB = 1024 * 1024;

/** `juni build --json` with its wall time. */
async function timedBuild(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ run: JuniRun; report: JsonReport; seconds: number }> {
  const started = performance.now();
  const { run, report } = await buildJson(dir, [], env);
  return { run, report, seconds: (performance.now() - started) / 1000 };
}

/** `juni build --json` under python's getrusage: the report and the peak RSS of juni and its children. */
function measuredBuild(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ run: JuniRun; report: JsonReport; peakMiB: number }> {
  const measurer =
    'import resource,subprocess,sys; r=subprocess.run(sys.argv[1:]); ' +
    'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)';
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', measurer, process.execPath, JUNI, 'build', '--json'], {
      cwd: dir,
      env: testEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = stderr.trimEnd().split('\n');
      const peakKiB = Number(lines.pop());
      const run: JuniRun = { code, signal, stdout, stderr: lines.join('\n') };
      try {
        assert.ok(Number.isFinite(peakKiB), `no ru_maxrss on the last stderr line:\n${stderr}`);
        resolve({ run, report: JSON.parse(stdout) as JsonReport, peakMiB: peakKiB / 1024 });
      } catch (error) {
        reject(new Error(`${(error as Error).message}\nexit ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }
    });
  });
}

/** A manifest with `n` functions sharing one install: more nodes than the client fetches at once. */
function manyFunctions(n: number): string {
  const fns = Array.from(
    { length: n },
    (_, i) => `  fn${i}: {requirements: ./requirements.txt, include: [./src/api/handler.py]}`,
  );
  return ['global: {executor: local, pipconf: ./pip.conf}', 'functions:', ...fns, ''].join('\n');
}

function assertBuiltLocally(run: JuniRun, report: JsonReport, names: string[]): void {
  assert.equal(run.code, 0, run.stderr);
  const all = statuses(report);
  for (const name of names) assert.equal(all[name], 'built', `${name} was built locally:\n${run.stderr}`);
}

test(
  'a server that accepts connections and never answers: one wait, then the build goes on without it',
  { timeout: 120_000 },
  async (t) => {
    const server = await silentServer(t);
    const names = Array.from({ length: 12 }, (_, i) => `fn${i}`);
    const p = await standardProject(t, manyFunctions(names.length));
    const { run, report, seconds } = await timedBuild(p.dir, remoteEnv(server.url));
    assertBuiltLocally(run, report, names);
    assert.match(
      run.stderr,
      /warning: remote cache: the remote cache at http:\/\/127\.0\.0\.1:\d+ is not answering \(no answer within 5 s\)/,
    );
    assert.ok(seconds < 25, `the build took ${seconds.toFixed(1)} s`);
    // Eight prefetches start together; once the first times out nothing else asks (no later GET, no PUT).
    assert.ok(
      server.requests >= 1 && server.requests <= 10,
      `${server.requests} requests on ${server.connections} connections`,
    );
    t.diagnostic(`${seconds.toFixed(1)} s, ${server.requests} requests on ${server.connections} connections`);
  },
);

test('a gzip bomb (5 MB on the wire, 5 GB unpacked) is refused with flat memory', { timeout: 180_000 }, async (t) => {
  const member = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 80 }, () => member));
  assert.ok(bomb.length < 8 * MiB, `the bomb is ${bomb.length} bytes`);
  const server = await artifactServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bomb.length) }).end(bomb);
  });
  const p = await standardProject(t);
  const started = performance.now();
  const { run, report, peakMiB } = await measuredBuild(p.dir, remoteEnv(server.url));
  const seconds = (performance.now() - started) / 1000;
  assertBuiltLocally(run, report, ['api', 'worker']);
  assert.ok(server.gets >= 2, `the server was asked ${server.gets} times`);
  assert.match(
    run.stderr,
    /warning: remote cache: the artifact of function (api|worker) could not be used \(it unpacks to more than \d+ bytes\); rebuilding it/,
  );
  assert.ok(peakMiB < 400, `peak RSS ${peakMiB.toFixed(0)} MiB`);
  assert.ok(seconds < 60, `the build took ${seconds.toFixed(1)} s`);
  t.diagnostic(`peak RSS ${peakMiB.toFixed(0)} MiB, ${seconds.toFixed(1)} s`);
});

test(
  'a body that stalls after 1 KB of a promised 10 MB: the download gives up within the idle timeout',
  { timeout: 120_000 },
  async (t) => {
    const server = await artifactServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(10 * 1000 * 1000) });
      res.write(Buffer.alloc(1024, 0x1f)); // and then nothing, with the socket open
    });
    const p = await standardProject(t);
    const { run, report, seconds } = await timedBuild(p.dir, remoteEnv(server.url));
    assertBuiltLocally(run, report, ['api', 'worker']);
    assert.match(
      run.stderr,
      new RegExp(
        String.raw`warning: remote cache: the artifact of function (api|worker) could not be used ` +
          String.raw`\(.*the download of \w+ stalled for 5 s\)\); rebuilding it`,
      ),
    );
    assert.ok(seconds < 25, `the build took ${seconds.toFixed(1)} s`);
    t.diagnostic(`${seconds.toFixed(1)} s`);
  },
);

test('a content-length over the 300 MiB cap is refused before its body is read', { timeout: 120_000 }, async (t) => {
  const announced = 400 * MiB;
  // The server would send all 400 MiB as fast as juni reads: what it managed to send shows what juni read.
  const server = await artifactServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(announced) });
    streamZeros(res, announced);
  });
  const p = await standardProject(t);
  const { run, report, seconds } = await timedBuild(p.dir, remoteEnv(server.url));
  assertBuiltLocally(run, report, ['api', 'worker']);
  assert.match(
    run.stderr,
    new RegExp(
      `warning: remote cache: GET \\w+: the artifact is ${announced} bytes, over the ${300 * MiB}-byte cap; building locally`,
    ),
  );
  assert.ok(server.gets >= 2, `the server was asked ${server.gets} times`);
  assert.ok(server.bytesSent() < 64 * MiB, `the server sent ${(server.bytesSent() / MiB).toFixed(0)} MiB`);
  assert.ok(seconds < 25, `the build took ${seconds.toFixed(1)} s`);
  t.diagnostic(`${seconds.toFixed(1)} s, the server sent ${(server.bytesSent() / MiB).toFixed(1)} MiB`);
});

test('credentials in the server URL appear in neither the report nor the warnings', { timeout: 120_000 }, async (t) => {
  const server = await silentServer(t);
  const url = server.url.replace('http://', 'http://ci-user:hunter2-secret@');
  const p = await standardProject(t);
  const { run, report, seconds } = await timedBuild(p.dir, remoteEnv(url));
  assertBuiltLocally(run, report, ['api', 'worker']);
  assert.match(run.stderr, /warning: remote cache: .*not answering/);
  assert.ok(server.requests > 0, 'the server was asked');
  for (const secret of ['hunter2-secret', 'ci-user']) {
    assert.ok(!run.stdout.includes(secret), `the --json report shows ${secret}`);
    assert.ok(!run.stderr.includes(secret), `stderr shows ${secret}:\n${run.stderr}`);
  }
  assert.match(run.stderr, /http:\/\/\*\*\*@127\.0\.0\.1:\d+/);
  t.diagnostic(`${seconds.toFixed(1)} s, ${server.connections} connections`);
});

test('credentials in the server URL are sent as Basic auth when no token is set', async (t) => {
  const seen: (string | undefined)[] = [];
  const server = await artifactServer(t, (req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(404).end();
  });
  const p = await standardProject(t);
  const env = {
    ...remoteEnv(server.url.replace('http://', 'http://ci-user:hunter2-secret@')),
    JUNI_REMOTE_CACHE_TOKEN: undefined,
  };
  const { run, report } = await timedBuild(p.dir, env);
  assertBuiltLocally(run, report, ['api', 'worker']);
  assert.doesNotMatch(run.stderr, /warning/);
  assert.ok(seen.length > 0);
  for (const header of seen) assert.equal(header, `Basic ${Buffer.from('ci-user:hunter2-secret').toString('base64')}`);
});
