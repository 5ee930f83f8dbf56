// Inputs juni must refuse before reading them (fifos, sockets, devices, files no Lambda package can
// hold, its own log, files it may not read), and logs written into the project while it builds:
// each ends in one clear message naming the path and the fix, never a hang or a stack trace.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { buildJson, juni, testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PipRuns } from '../rig/pip-runs.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';

const MANIFEST = (extra = ''): string =>
  ['global: {executor: local}', 'functions:', '  api:', '    include: [./src/]', extra, ''].join('\n');

function srcProject(t: Parameters<typeof tempProject>[0], manifest = MANIFEST()): Project {
  return tempProject(t, { 'manifest.yml': manifest, 'src/lambda_function.py': 'def handler(e, c):\n    return 1\n' });
}

/** A function with requirements, installed by pip on this machine from the project's wheels only. */
const WITH_REQUIREMENTS = {
  'manifest.yml': [
    'global: {executor: local, pipconf: ./pip.conf}',
    'functions:',
    '  api:',
    '    requirements: ./requirements.txt',
    '    include: [./src/]',
    '',
  ].join('\n'),
  'pip.conf': PIP_CONF,
};

/** A build that must end on its own: a hang is killed after a minute and fails the test, not the run. */
async function build(
  p: Project,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnSync(process.execPath, [JUNI, 'build', ...args], {
    cwd: p.dir,
    env: testEnv(),
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(run.signal, null, `juni build hung and was killed\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, run.stderr);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('a fifo in an included folder is refused by name before anything reads it; excluded, it is no input', async (t) => {
  const p = srcProject(t);
  assert.equal(spawnSync('mkfifo', [p.path('src/pipe')]).status, 0);
  const run = await build(p);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /src\/pipe \(an input of api\) is a FIFO \(named pipe\), not a regular file/);
  assert.match(run.stderr, /hint: leave it out of api \(exclude: \[pipe\]\)/);
  assert.equal(existsSync(p.path('dist')), false, 'nothing was written to the output folder');

  p.write('manifest.yml', MANIFEST('    exclude: [pipe]'));
  const excluded = await build(p);
  assert.equal(excluded.code, 0, excluded.stderr);
});

test('a socket in an included folder is refused by name', async (t) => {
  const p = srcProject(t);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(p.path('src/app.sock'), resolve));
  t.after(() => server.close());
  const run = await build(p);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /src\/app\.sock \(an input of api\) is a socket, not a regular file/);
});

test('a file whose name is not UTF-8 is refused by name, not silently left out', async (t) => {
  const p = srcProject(t);
  writeFileSync(Buffer.concat([Buffer.from(p.path('src/bad')), Buffer.from([0xff]), Buffer.from('.py')]), 'X = 1\n');
  const run = await build(p);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /src\/bad\uFFFD\.py \(an input of api\) has a name that is not valid UTF-8/);

  p.write('manifest.yml', MANIFEST("    exclude: ['bad*']"));
  const excluded = await build(p);
  assert.equal(excluded.code, 0, excluded.stderr);
});

test('files named __proto__ and constructor are keyed and explained like any other', async (t) => {
  const p = srcProject(t);
  p.write('src/__proto__', 'one');
  p.write('src/constructor', 'one');
  assert.equal((await build(p)).code, 0);
  p.write('src/__proto__', 'two');
  const edited = await buildJson(p.dir);
  assert.equal(edited.report.nodes.find((n) => n.name === 'api')?.status, 'built', 'the edit changed the key');
  p.write('src/constructor', 'two');
  const why = await juni(['why', 'api'], { cwd: p.dir });
  assert.equal(why.code, 0, why.stderr);
  assert.match(why.stdout, /constructor/);
});

test('a -r reference to a fifo in a requirements file is refused, not read', async (t) => {
  const p = tempProject(t, {
    ...WITH_REQUIREMENTS,
    'requirements.txt': '-r more.txt\n',
    'src/lambda_function.py': 'X = 1\n',
  });
  assert.equal(spawnSync('mkfifo', [p.path('more.txt')]).status, 0);
  const pip = new PipRuns(t);
  const run = await juni(['build'], { cwd: p.dir, env: pip.env() });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /more\.txt is a FIFO \(named pipe\), not a regular file/);
  assert.equal(pip.count(), 0);
});

test('a file larger than any Lambda package can hold is refused by its size before it is hashed', async (t) => {
  const p = srcProject(t);
  // Sparse: 2.6 GB on paper, nothing on disk. Node cannot read a file over 2 GiB in one piece.
  closeSync(openSync(p.path('src/model.bin'), 'w'));
  truncateSync(p.path('src/model.bin'), 2_600_000_000);
  const run = await build(p);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /src\/model\.bin \(an input of api\) is 2479\.6 MiB; no Lambda package can hold a file over 250\.0 MiB/,
  );
  assert.match(run.stderr, /exclude: \[model\.bin\]/);

  p.write('manifest.yml', MANIFEST('    exclude: [model.bin]'));
  const excluded = await build(p);
  assert.equal(excluded.code, 0, excluded.stderr);
});

test('juni build > build.log in an include: ./ project says so once, and builds once the log is excluded', async (t) => {
  const manifest = (extra = ''): string =>
    ['global: {executor: local}', 'functions:', '  api:', '    include: [./]', extra, ''].join('\n');
  const p = tempProject(t, { 'manifest.yml': manifest(), 'lambda_function.py': 'X = 1\n' });
  const logged = (): { code: number | null; log: string } => {
    const fd = openSync(p.path('build.log'), 'w');
    try {
      const run = spawnSync(process.execPath, [JUNI, 'build'], {
        cwd: p.dir,
        env: testEnv(),
        stdio: ['ignore', fd, fd],
      });
      return { code: run.status, log: readFileSync(p.path('build.log'), 'utf8') };
    } finally {
      closeSync(fd);
    }
  };
  const first = logged();
  assert.equal(first.code, 2, first.log);
  assert.match(first.log, /build\.log \(an input of api\) is the file juni's own stdout is being written to/);
  assert.match(
    first.log,
    /hint: leave it out of api \(exclude: \[build\.log\]\), or write the log outside the project/,
  );

  p.write('manifest.yml', manifest('    exclude: [build.log]'));
  const second = logged();
  assert.equal(second.code, 0, second.log);
});

test('a log another process writes while the zip is made fails with the fix, not only "build again"', async (t) => {
  const p = tempProject(t, {
    ...WITH_REQUIREMENTS,
    'requirements.txt': 'alpha\n',
    'src/lambda_function.py': 'X = 1\n',
    'src/server.log': 'started\n',
  });
  await p.wheel({ name: 'alpha', files: { 'alpha/__init__.py': 'A = 1\n' } });
  const pip = new PipRuns(t);
  // The "server" writes its log while pip runs: after planning hashed it, before the zip reads it.
  const { run, report } = await buildJson(
    p.dir,
    [],
    pip.env({}, { [p.path('src/server.log')]: 'started\nrequest 1\n' }),
  );
  assert.equal(run.code, 1, run.stderr);
  assert.equal(report.nodes.find((n) => n.name === 'api')?.failure?.reason, 'input-changed');
  assert.match(run.stderr, /server\.log changed size while it was being zipped/);
  assert.match(
    run.stderr,
    /hint: if server\.log is written while juni builds \(a log\), leave it out of api \(exclude: \[server\.log\]\)/,
  );
});

/**
 * `juni build` as a user the file system can refuse: root reads and writes anything, so as root
 * juni runs as nobody, in a project opened up for nobody but for the paths the test then closes.
 */
function buildAsUser(p: Project, close: () => void): SpawnSyncReturns<string> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync('chmod', ['-R', 'a+rwX', p.dir]);
  close();
  const [command, args] = asRoot
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, JUNI, 'build']]
    : [process.execPath, [JUNI, 'build']];
  return spawnSync(command as string, args as string[], {
    cwd: p.dir,
    env: testEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('an included file juni may not read is named with a hint, exit 2', async (t) => {
  const p = srcProject(t);
  p.write('src/secret.py', 'KEY = 1\n');
  const run = buildAsUser(p, () => chmodSync(p.path('src/secret.py'), 0o000));
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /cannot read an input \(EACCES: cannot open .*src\/secret\.py\)/);
  assert.match(run.stderr, /hint: check the permissions of that path/);
  assert.doesNotMatch(run.stderr, /internal error/);
});

test('a folder below an include that juni may not list: refused by name, unless excluded', async (t) => {
  const p = srcProject(t);
  p.write('src/private/key.pem', 'secret');
  const refused = buildAsUser(p, () => chmodSync(p.path('src/private'), 0o000));
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /cannot read an input \(EACCES: cannot scandir .*src\/private\)/);

  p.write('manifest.yml', MANIFEST('    exclude: [private]'));
  const excluded = buildAsUser(p, () => chmodSync(p.path('src/private'), 0o000));
  chmodSync(p.path('src/private'), 0o755); // so the temp project can be removed
  assert.equal(excluded.status, 0, excluded.stderr);
});

test('an output folder juni may not write is named with a hint, exit 1', async (t) => {
  const p = srcProject(t);
  p.write('dist/old.txt', 'kept');
  // 0o555: as its owner (not root) or as nobody, juni may not write there.
  const run = buildAsUser(p, () => chmodSync(p.path('dist'), 0o555));
  const out = run.stdout + run.stderr;
  assert.equal(run.status, 1, out);
  assert.match(out, /EACCES: cannot copyfile .* to .*\/dist\/\.api\.zip/);
  assert.match(out, /hint: check the permissions of that path/);
  assert.doesNotMatch(out, /internal error/);
});

test('--watch with its log in an include: ./ project reports it once and never rebuilds for its own output', async (t) => {
  const manifest = (extra = ''): string =>
    ['global: {executor: local}', 'functions:', '  api:', '    include: [./]', extra, ''].join('\n');
  const p = tempProject(t, { 'manifest.yml': manifest(), 'lambda_function.py': 'X = 1\n' });
  const fd = openSync(p.path('build.log'), 'w');
  const child = spawn(process.execPath, [JUNI, 'build', '--watch'], {
    cwd: p.dir,
    env: testEnv(),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(() => child.kill('SIGKILL'));
  const log = (): string => readFileSync(p.path('build.log'), 'utf8');
  const until = async (what: string, check: (text: string) => boolean): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!check(log())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await until('the own-output message', (text) => /juni's own stdout is being written to/.test(text));
  // Neither a byte-code file (left out of every zip) nor the log itself is an edit.
  p.write('notes.pyc', 'not an input');
  p.write('manifest.yml', manifest('    exclude: [build.log]'));
  await until('a build after the manifest edit', (text) => /1 built, 0 cached/.test(text));
  p.write('lambda_function.py', 'X = 2\n');
  await until('a build after the handler edit', (text) => (text.match(/1 built, 0 cached/g) ?? []).length === 2);
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  const text = log();
  assert.equal((text.match(/juni's own stdout is being written to/g) ?? []).length, 1, text);
  const changes = text.split('\n').filter((l) => /change.*rebuilding/.test(l));
  assert.equal(changes.length, 2, text);
  assert.doesNotMatch(changes.join('\n'), /build\.log|notes\.pyc/, text);
});
