// The host interpreter is part of a local install's key, including when a version manager's shim
// (pyenv here, as on the CI machine) switches versions behind an unchanged `python3`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { buildJson, juni, statuses } from '../rig/juni.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject } from '../rig/project.js';

/**
 * Two pyenv Pythons with pip, of different minor versions and neither the global one (so a build
 * that ignored the selection would show up as an install); the CI machine has several.
 */
function twoPyenvVersions(): [string, string] {
  let bare: string;
  try {
    bare = execFileSync('pyenv', ['versions', '--bare'], { encoding: 'utf8' });
  } catch {
    throw new Error(
      'this test needs pyenv with two Python 3 versions installed (the CI machine has them); `pyenv` did not run',
    );
  }
  const withPip = bare
    .split('\n')
    .map((v) => v.trim())
    .filter((v) => /^3\.\d+\.\d+$/.test(v))
    .filter((v) => {
      try {
        execFileSync('python3', ['-c', 'import pip'], { env: { ...process.env, PYENV_VERSION: v }, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
  const env = { ...process.env };
  delete env.PYENV_VERSION;
  const global = execFileSync('pyenv', ['version-name'], { encoding: 'utf8', env, cwd: '/' }).trim();
  const minor = (v: string): string => v.split('.').slice(0, 2).join('.');
  const candidates = withPip.filter((v) => minor(v) !== minor(global));
  const first = candidates[0];
  const second = candidates.find((v) => minor(v) !== minor(first ?? ''));
  assert.ok(
    first && second,
    `this test needs two pyenv Python 3 versions with pip besides the global ${global}; found ${withPip.join(', ') || 'none'}`,
  );
  return [first, second];
}

test('switching the Python a pyenv shim runs (env var or .python-version) reinstalls; switching back is cached', async (t) => {
  const [first, second] = twoPyenvVersions();
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  assert.equal((await buildJson(p.dir, [], pip.env({ PYENV_VERSION: first }))).run.code, 0);
  assert.equal(pip.since(), 1);

  const switched = await buildJson(p.dir, [], pip.env({ PYENV_VERSION: second }));
  assert.deepEqual(statuses(switched.report), { 'deps:requirements.txt': 'built', api: 'built', worker: 'built' });
  assert.equal(pip.since(), 1, 'the other Python installs again');
  assert.deepEqual(statuses((await buildJson(p.dir, [], pip.env({ PYENV_VERSION: second }))).report), {
    'deps:requirements.txt': 'cached',
    api: 'cached',
    worker: 'cached',
  });
  assert.equal(pip.since(), 0);

  // `why` names the interpreter as what changed.
  const why = await juni(['why', 'api'], { cwd: p.dir, env: { PYENV_VERSION: first } });
  assert.match(why.stdout + why.stderr, new RegExp(`interpreter.*${first.replace(/\./g, '\\.')}`));

  // The project's .python-version (no env var) is what pyenv follows from the manifest folder:
  // each version's builds are in the cache already; had juni kept describing the interpreter it
  // probed before, or the global one, the install would not be found.
  const all = (status: string): Record<string, string> => ({
    'deps:requirements.txt': status,
    api: status,
    worker: status,
  });
  const unpinned = pip.env({ PYENV_VERSION: undefined });
  p.write('.python-version', `${first}\n`);
  assert.deepEqual(statuses((await buildJson(p.dir, [], unpinned)).report), all('cached'));
  p.write('.python-version', `${second}\n`);
  assert.deepEqual(statuses((await buildJson(p.dir, [], unpinned)).report), all('cached'));
  assert.equal(pip.since(), 0, 'both versions found their installs');
  rmSync(p.path('.python-version'));
  const global = await buildJson(p.dir, [], unpinned);
  assert.equal(statuses(global.report)['deps:requirements.txt'], 'built');
  assert.equal(pip.since(), 1, 'the global Python installs');
});
