// Image keys hold exactly what `docker build` uses, on a real engine: the Dockerfile, its args,
// the base images by ID and only the context files COPY/ADD name (after .dockerignore). Builds
// and installs are counted from the engine's own event log, not from juni's report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import {
  BASE_IMAGE,
  buildVariant,
  EngineLog,
  imageId,
  leftoverContainers,
  removeImage,
  requireDocker,
  tagImage,
} from '../rig/docker.js';
import { buildJson, juni, statuses, testEnv, type JsonReport } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PIP_CONF, tempProject, type Project } from '../rig/project.js';
import { readZip } from '../rig/zip.js';

const ALL_CACHED = (s: Record<string, string>): boolean => Object.values(s).every((v) => v === 'cached');

/** A base tag of this test's own, so re-tagging it touches nothing else. */
function ownBase(t: TestContext, name: string): string {
  const tag = `juni-test/${name}-${process.pid}:base`;
  tagImage(BASE_IMAGE, tag);
  t.after(() => removeImage(tag));
  return tag;
}

/** juniper's ridge layout: the image's context is the whole project; the Dockerfile copies one script. */
async function ridgeLayout(t: TestContext, base: string, tag: string): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'docker/Dockerfile': [
      'ARG BASE=unset',
      'FROM ${BASE}',
      'COPY tools/setup.sh /opt/setup.sh',
      'RUN sh /opt/setup.sh',
      '',
    ].join('\n'),
    'tools/setup.sh': 'mkdir -p /var/task/lambda_lib && echo "native v1" > /var/task/lambda_lib/libnative.so.1\n',
    'notes/readme.md': 'not named by the Dockerfile\n',
    'src/api/handler.py': 'def handler(e, c):\n    return "api"\n',
    'src/worker/handler.py': 'def handler(e, c):\n    return "worker"\n',
    'manifest.yml': [
      'global:',
      '  pipconf: ./pip.conf',
      'images:',
      '  native:',
      '    dockerfile: ./docker/Dockerfile',
      '    context: .',
      `    args: {BASE: "${base}"}`,
      `    tag: ${tag}`,
      'layers:',
      '  deps:',
      '    image: native',
      '    requirements: ./requirements.txt',
      'functions:',
      '  api:',
      '    image: native',
      '    include: [./src/api/]',
      '    layers: [deps]',
      '  worker:',
      '    image: native',
      '    include: [./src/worker/]',
      '    layers: [deps]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'GET = 1\n' } });
  return p;
}

async function build(p: Project, env?: NodeJS.ProcessEnv): Promise<JsonReport> {
  const { run, report } = await buildJson(p.dir, [], env);
  assert.equal(run.code, 0, run.stderr);
  return report;
}

test('context: . — a handler edit rebuilds one zip; an unnamed file nothing; a COPYd file the image and its installs', async (t) => {
  if (!requireDocker(t)) return;
  const base = ownBase(t, 'keys');
  const tag = `juni-test/keys-${process.pid}:built`;
  t.after(() => removeImage(tag));
  const p = await ridgeLayout(t, base, tag);
  const log = new EngineLog();

  const first = await build(p);
  assert.equal(first.summary.built, 5, JSON.stringify(statuses(first)));
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 1, imageBuilds: 1 });

  log.mark();
  p.write('src/api/handler.py', 'def handler(e, c):\n    return "api v2"\n');
  assert.deepEqual(statuses(await build(p)), {
    'image:native': 'cached',
    'deps:requirements.txt': 'cached',
    deps: 'cached',
    api: 'built',
    worker: 'cached',
  });
  assert.deepEqual(
    log.counts(p.dir, tag),
    { pipRuns: 0, imageBuilds: 0 },
    'a handler edit builds no image and runs no pip',
  );

  log.mark();
  p.write('notes/readme.md', 'edited\n');
  p.write('notes/new.md', 'a new file in the context\n');
  assert.ok(ALL_CACHED(statuses(await build(p))));
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 0, imageBuilds: 0 }, 'a file no instruction names is no input');
  const why = await juni(['why', 'api'], { cwd: p.dir });
  assert.match(why.stdout, /image native: is up to date/);
  assert.match(why.stdout, /1 context file named by COPY\/ADD\/RUN --mount is an input; other context files are not/);

  log.mark();
  p.write(
    'tools/setup.sh',
    'mkdir -p /var/task/lambda_lib && echo "native v2" > /var/task/lambda_lib/libnative.so.1\n',
  );
  const copied = await build(p);
  assert.deepEqual(statuses(copied), {
    'image:native': 'built',
    'deps:requirements.txt': 'built',
    deps: 'built',
    api: 'built',
    worker: 'built',
  });
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 1, imageBuilds: 1 });
  assert.equal(readZip(p.path('dist/api.zip')).find((e) => e.name === 'libnative.so.1')?.text, 'native v2\n');
  assert.deepEqual(leftoverContainers(p.dir), []);
});

test('a re-tagged base image rebuilds the image, its installs and zips, and `juni why` names it; tagging back is cached', async (t) => {
  if (!requireDocker(t)) return;
  const base = ownBase(t, 'retag');
  const original = imageId(base);
  const variant = `juni-test/retag-${process.pid}:variant`;
  t.after(() => removeImage(variant));
  const variantId = buildVariant(BASE_IMAGE, variant, 'another base');
  const tag = `juni-test/retag-${process.pid}:built`;
  t.after(() => removeImage(tag));
  const p = await ridgeLayout(t, base, tag);
  await build(p);
  const log = new EngineLog();

  tagImage(variant, base);
  const moved = await build(p);
  assert.deepEqual(statuses(moved), {
    'image:native': 'built',
    'deps:requirements.txt': 'built',
    deps: 'built',
    api: 'built',
    worker: 'built',
  });
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 1, imageBuilds: 1 });
  const why = await juni(['why', 'api'], { cwd: p.dir });
  const short = (id: string): string => `${id.slice(0, 'sha256:'.length + 12)}…`;
  assert.ok(why.stdout.includes(`base image ${base}: ${short(original)} -> ${short(variantId)}`), why.stdout);

  log.mark();
  tagImage(BASE_IMAGE, base);
  assert.ok(ALL_CACHED(statuses(await build(p))), 'back on the first base: every result is still in the cache');
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 0, imageBuilds: 0 });
});

test('engine down with everything cached: exit 0, one warning that base images were not checked', async (t) => {
  if (!requireDocker(t)) return;
  const base = ownBase(t, 'down');
  const tag = `juni-test/down-${process.pid}:built`;
  t.after(() => removeImage(tag));
  const p = await ridgeLayout(t, base, tag);
  await build(p);
  const down = { DOCKER_HOST: `unix://${p.path('no-engine.sock')}` };

  const { run, report } = await buildJson(p.dir, [], down);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(ALL_CACHED(statuses(report)));
  const warnings = (report as JsonReport & { warnings: { code?: string; message: string }[] }).warnings;
  assert.deepEqual(
    warnings.map((w) => w.code),
    ['images-unchecked'],
  );
  assert.match(
    warnings[0]!.message,
    new RegExp(
      `the Docker engine is not reachable, so the images ${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} could not be checked`,
    ),
  );
  assert.equal(run.stderr.match(/not reachable/g)?.length, 1, 'said once');

  // A handler edit needs only the image's files, which the cache has: still no engine needed.
  p.write('src/worker/handler.py', 'def handler(e, c):\n    return "offline edit"\n');
  const edited = await buildJson(p.dir, [], down);
  assert.equal(edited.run.code, 0, edited.run.stderr);
  assert.equal(statuses(edited.report).worker, 'built');

  // An install must run, in an image whose result is cached: the install fails clearly, the
  // image's result is neither rebuilt nor forgotten, and is used again once the engine is back.
  const log = new EngineLog();
  p.write('requirements.txt', 'tinyhttp\n# edited\n');
  const failing = await buildJson(p.dir, [], down);
  assert.equal(failing.run.code, 1);
  assert.deepEqual(statuses(failing.report), {
    'image:native': 'cached',
    'deps:requirements.txt': 'failed',
    deps: 'skipped',
    api: 'skipped',
    worker: 'skipped',
  });
  assert.match(
    JSON.stringify(failing.report.nodes.find((n) => n.kind === 'deps')?.failure),
    /the Docker engine at unix:\/\/.*is not reachable/,
  );
  p.write('requirements.txt', 'tinyhttp\n');
  const back = await build(p);
  assert.ok(ALL_CACHED(statuses(back)), JSON.stringify(statuses(back)));
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 0, imageBuilds: 0 });
});

/** A project whose function uses the image directly (no installs): image edits show in its zip. */
function imageOnly(t: TestContext, files: Record<string, string>, tag: string): Project {
  return tempProject(t, {
    ...files,
    'src/handler.py': 'def handler(e, c):\n    return 1\n',
    'manifest.yml': [
      'images:',
      '  img:',
      '    dockerfile: ./Dockerfile',
      '    context: .',
      `    tag: ${tag}`,
      'functions:',
      '  fn:',
      '    image: img',
      '    include: [./src/handler.py]',
      '',
    ].join('\n'),
  });
}

test('COPY . /src: every context file is an input', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/copyall-${process.pid}:built`;
  t.after(() => removeImage(tag));
  const p = imageOnly(
    t,
    {
      Dockerfile: [
        `FROM ${BASE_IMAGE}`,
        'COPY . /src',
        'RUN mkdir -p /var/task/lambda_lib && ls /src /src/notes > /var/task/lambda_lib/listing.txt',
        '',
      ].join('\n'),
      'notes/a.md': 'a\n',
    },
    tag,
  );
  await build(p);
  const log = new EngineLog();
  p.write('notes/a.md', 'edited\n');
  assert.equal(statuses(await build(p))['image:img'], 'built');
  p.write('notes/b.md', 'added\n');
  const added = await build(p);
  assert.equal(statuses(added)['image:img'], 'built');
  assert.deepEqual(log.counts(p.dir, tag), { pipRuns: 0, imageBuilds: 2 });
  assert.match(readZip(p.path('dist/fn.zip')).find((e) => e.name === 'listing.txt')!.text, /b\.md/);
});

test('a symlink loop in the build context ends the walk; a fifo .dockerignore is refused by name, unread', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/loop-${process.pid}:built`;
  const p = imageOnly(t, { Dockerfile: `FROM ${BASE_IMAGE}\nCOPY notes /notes\n`, 'notes/a.md': 'a\n' }, tag);
  symlinkSync('..', p.path('notes/up'));
  const planned = await juni(['build', '--dry-run'], { cwd: p.dir });
  assert.equal(planned.code, 0, planned.stderr);
  assert.match(planned.stdout, /image img: would build/);

  spawnSync('mkfifo', [p.path('.dockerignore')]);
  const refused = await juni(['build', '--dry-run'], { cwd: p.dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /\.dockerignore is a FIFO \(named pipe\), not a regular file/);
  assert.match(refused.stderr, /hint: replace it with a regular file/);
});

test('juni build > build.log beside COPY . /src: refused by name with the .dockerignore fix', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/ownlog-${process.pid}:built`;
  const p = imageOnly(t, { Dockerfile: `FROM ${BASE_IMAGE}\nCOPY . /src\n` }, tag);
  const fd = openSync(p.path('build.log'), 'w');
  // Refused while planning: no image is built.
  const run = spawnSync(process.execPath, [JUNI, 'build'], {
    cwd: p.dir,
    env: testEnv(),
    stdio: ['ignore', fd, fd],
    timeout: 60_000,
  });
  closeSync(fd);
  const log = readFileSync(p.path('build.log'), 'utf8');
  assert.equal(run.status, 2, log);
  assert.match(
    log,
    /build\.log \(in the build context of image img\) is the file juni's own stdout is being written to/,
  );
  assert.match(log, /hint: add build\.log to the context's \.dockerignore/);
});

test('multi-stage: COPY --from a stage and from an image; .dockerignore with a ! exception', async (t) => {
  if (!requireDocker(t)) return;
  const tag = `juni-test/stages-${process.pid}:built`;
  t.after(() => removeImage(tag));
  const extra = ownBase(t, 'stages-extra');
  const p = imageOnly(
    t,
    {
      Dockerfile: [
        `FROM ${BASE_IMAGE} AS tools`,
        'COPY tools/ /tools/',
        `FROM ${BASE_IMAGE}`,
        'COPY --from=tools /tools/gen.sh /opt/gen.sh',
        `COPY --from=${extra} /etc/debian_version /opt/debian_version`,
        'COPY docs/ /docs/',
        'RUN mkdir -p /var/task/lambda_lib && cat /opt/gen.sh /docs/* > /var/task/lambda_lib/all.txt',
        '',
      ].join('\n'),
      '.dockerignore': 'docs/*.md\n!docs/keep.md\n',
      'tools/gen.sh': 'gen v1\n',
      'docs/keep.md': 'keep v1\n',
      'docs/skip.md': 'skip v1\n',
    },
    tag,
  );
  await build(p);
  const all = (): string => readZip(p.path('dist/fn.zip')).find((e) => e.name === 'all.txt')!.text;
  assert.equal(all(), 'gen v1\nkeep v1\n', '.dockerignore kept skip.md out and let keep.md through');
  const log = new EngineLog();

  p.write('docs/skip.md', 'skip v2\n');
  assert.ok(ALL_CACHED(statuses(await build(p))), 'an ignored file is no input');
  assert.deepEqual(log.counts(p.dir, tag).imageBuilds, 0);

  p.write('docs/keep.md', 'keep v2\n');
  assert.equal(statuses(await build(p))['image:img'], 'built');
  p.write('tools/gen.sh', 'gen v2\n');
  assert.equal(statuses(await build(p))['image:img'], 'built');
  assert.equal(all(), 'gen v2\nkeep v2\n');
  assert.equal(log.counts(p.dir, tag).imageBuilds, 2);

  log.mark();
  const variant = `juni-test/stages-${process.pid}:variant`;
  t.after(() => removeImage(variant));
  buildVariant(BASE_IMAGE, variant, 'x');
  tagImage(variant, extra);
  assert.equal(statuses(await build(p))['image:img'], 'built', 'the image named by COPY --from is a base too');
  assert.equal(log.counts(p.dir, tag).imageBuilds, 1);
});

test('sources juni cannot know: the whole context counts, and `juni why` says why', async (t) => {
  if (!requireDocker(t)) return;
  const p = imageOnly(
    t,
    {
      Dockerfile: `FROM ${BASE_IMAGE}\nCOPY app.py /app/\nADD https://example.invalid/tool.tgz /opt/\n`,
      'app.py': 'print(1)\n',
      'notes/a.md': 'a\n',
    },
    `juni-test/unknowable-${process.pid}:built`,
  );
  // Planning only: nothing is built, nothing is fetched.
  const key = async (): Promise<string> => {
    const run = await juni(['build', '--dry-run', '--json'], { cwd: p.dir });
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { nodes: { kind: string; key: string }[] }).nodes.find((n) => n.kind === 'image')!
      .key;
  };
  const before = await key();
  p.write('notes/a.md', 'edited\n');
  assert.notEqual(await key(), before, 'a file no instruction names is an input when the sources cannot be known');
  const why = await juni(['why', 'fn'], { cwd: p.dir });
  assert.match(
    why.stdout,
    new RegExp(
      String.raw`the whole build context \(5 files\) is an input, because line 3: ` +
        String.raw`ADD https://example\.invalid/tool\.tgz fetches from outside the context`,
    ),
  );
});

test('an image reference juni cannot resolve fails the image, naming the line and the fix', async (t) => {
  if (!requireDocker(t)) return;
  const p = imageOnly(
    t,
    { Dockerfile: 'ARG V=3.12x\nFROM python:${V%x}\n' },
    `juni-test/unresolved-${process.pid}:built`,
  );
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 1);
  const out = run.stdout + run.stderr;
  assert.match(
    out,
    /line 2 of Dockerfile: juni cannot resolve the image reference python:\$\{V%x\}, so it cannot key the image on it/,
  );
  assert.match(out, /plain ARG substitution/);
});
