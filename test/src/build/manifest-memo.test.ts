// A valid manifest is remembered in the cache (so big manifests are not parsed on every build),
// and the memo never hides a change: new text, or a path it names going away or changing kind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildJson, juni, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject, tempProject, type Project } from '../rig/project.js';
import { zipNames } from '../rig/zip.js';

const MANIFEST =
  'global: {executor: local}\nfunctions:\n  api:\n    include:\n      - ./src/handler.py\n      - ./lib\n';

async function rememberedProject(t: Parameters<typeof tempProject>[0]): Promise<{ p: Project; memo: string }> {
  const p = tempProject(t, { 'src/handler.py': 'H = 1\n', 'lib/util.py': 'U = 1\n', 'manifest.yml': MANIFEST });
  // The first build creates the cache; the second (the folder now exists) writes the memo.
  assert.equal((await buildJson(p.dir)).run.code, 0);
  assert.equal((await buildJson(p.dir)).run.code, 0);
  const memos = readdirSync(p.path('.juni', 'manifests'));
  assert.equal(memos.length, 1);
  return { p, memo: p.path('.juni', 'manifests', memos[0]!) };
}

test('the remembered manifest is what a build uses while nothing changed', async (t) => {
  const { p, memo } = await rememberedProject(t);
  // Proof the memo is read at all (so the tests below are not passing by never reading it):
  // a memo edited by hand changes what the next build thinks the function is called.
  const data = JSON.parse(readFileSync(memo, 'utf8')) as { manifest: { functions: { name: string }[] } };
  data.manifest.functions[0]!.name = 'renamed';
  writeFileSync(memo, JSON.stringify(data));
  assert.deepEqual(statuses((await buildJson(p.dir)).report), { renamed: 'built' });
});

test('an edited manifest is parsed again', async (t) => {
  const { p } = await rememberedProject(t);
  p.write('manifest.yml', MANIFEST.replace('  api:', '  web:'));
  assert.deepEqual(statuses((await buildJson(p.dir)).report), { web: 'built' });
});

test('an include that disappears is still reported at its line, with exit 2', async (t) => {
  const { p } = await rememberedProject(t);
  rmSync(p.path('src', 'handler.py'));
  const run = await juni(['build'], { cwd: p.dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /manifest\.yml:5:\d+ include '\.\/src\/handler\.py' does not exist/);
});

test('an include that turns from a folder into a file is validated again', async (t) => {
  const { p } = await rememberedProject(t);
  rmSync(p.path('lib'), { recursive: true });
  writeFileSync(p.path('lib'), 'now a file\n');
  const { run, report } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(statuses(report), { api: 'built' });
  // A file include goes to the zip root under its own name; the folder's contents went under lib/.
  assert.deepEqual(zipNames(p.path('dist', 'api.zip')), ['handler.py', 'lib']);
});

test('a build from the memo computes the same keys as one from the YAML', async (t) => {
  const p = await standardProject(
    t,
    [
      'global: {executor: local, pipconf: ./pip.conf, python: "3.11", architecture: x86_64, exclude: ["*.md"]}',
      'layers:',
      '  base: {requirements: ./requirements.txt}',
      'functions:',
      '  api: {include: [./src/api/handler.py, ./src/lib/], layers: [base]}',
      '  worker: {requirements: ./requirements.txt, include: [./src/worker/handler.py]}',
      '',
    ].join('\n'),
  );
  const keys = (r: Awaited<ReturnType<typeof buildJson>>): Record<string, string> =>
    Object.fromEntries(r.report.nodes.map((n) => [n.name, n.key]));
  const pip = new PipRuns(t);
  assert.equal((await buildJson(p.dir, [], pip.env())).run.code, 0);
  assert.equal(pip.since(), 1, 'the layer and the function share one install');
  const fromYaml = await buildJson(p.dir, [], pip.env()); // parses, and writes the memo
  assert.equal(readdirSync(p.path('.juni', 'manifests')).length, 1);
  const fromMemo = await buildJson(p.dir, [], pip.env());
  assert.deepEqual(keys(fromMemo), keys(fromYaml));
  assert.ok(
    fromMemo.report.nodes.every((n) => n.status === 'cached'),
    JSON.stringify(statuses(fromMemo.report)),
  );
  assert.equal(pip.since(), 0, 'neither build after the first ran pip');
});
