// On a terminal, juni shows a live task list (listr2); on a terminal without a size it falls back
// to plain lines. Run under `script`, which gives the process a real pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PipRuns } from '../rig/pip-runs.js';
import { standardProject, tempProject } from '../rig/project.js';

/** ESC [ n A: the cursor-up a live display redraws with. */
const CURSOR_UP = new RegExp(`${String.fromCharCode(27)}\\[\\d*A`);

/** Runs `juni build` on a pty of `cols` columns (0: a pty nobody sized); resolves with its output and exit code. */
function buildOnTerminal(
  cwd: string,
  cols: number,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const size = cols > 0 ? `stty cols ${cols} rows 40; ` : '';
  const command = `${size}exec "${process.execPath}" "${JUNI}" build`;
  return new Promise((resolve, reject) => {
    // CI is unset: with it juni prints plain lines on purpose, and this test is about terminals.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: testEnv({ ...env, CI: undefined, TERM: 'xterm' }),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('on a terminal the build is a live task list that ends with every node ticked and the summary', async (t) => {
  const p = await standardProject(t);
  const pip = new PipRuns(t);
  const { code, out } = await buildOnTerminal(p.dir, 100, pip.env());
  assert.equal(code, 0, out);
  for (const node of ['deps requirements.txt built', 'function api built', 'function worker built']) {
    assert.match(out, new RegExp(`\u2714\\S* ${node}`), `a ticked line for ${node}:\n${out}`);
  }
  assert.equal(pip.count(), 1, 'the ticked install really ran');
  assert.match(out, CURSOR_UP, 'redraws in place (cursor up)');
  assert.match(out, /juni: 3 built, 0 cached in /);
});

test('a terminal that reports no width gets plain lines, not one character per line', async (t) => {
  const p = await standardProject(t);
  const { code, out } = await buildOnTerminal(p.dir, 0);
  assert.equal(code, 0, out);
  assert.match(out, /ok {2}function api built in \d+ms -> dist\/api\.zip/);
  assert.doesNotMatch(out, CURSOR_UP);
  assert.match(out, /juni: 3 built, 0 cached in /);
});

test("on a terminal a function refused for Lambda's limits is shown failed, never built", async (t) => {
  const p = tempProject(t, {
    'src/h.py': 'H = 1\n',
    'manifest.yml': [
      'global: {executor: local}',
      'layers:',
      ...['l1', 'l2', 'l3', 'l4', 'l5', 'l6'].map((l) => `  ${l}: {include: [./src/h.py]}`),
      'functions:',
      '  many: {include: [./src/h.py], layers: [l1, l2, l3, l4, l5, l6]}',
      '',
    ].join('\n'),
  });
  const { code, out } = await buildOnTerminal(p.dir, 100);
  assert.equal(code, 1, out);
  assert.match(out, /\u2714\S* layer l6 built/, out);
  assert.doesNotMatch(out, /function many built/, out);
  assert.match(out, /function many: function many lists 6 layers; Lambda allows at most 5/, out);
  assert.match(out, /juni: 6 built, 0 cached, 1 failed in /);
});
