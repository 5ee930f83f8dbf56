// Files a Docker build produces belong to the user who ran juni, never to root.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BASE_IMAGE, requireDocker } from '../rig/docker.js';
import { testEnv } from '../rig/juni.js';
import { JUNI } from '../rig/paths.js';
import { PIP_CONF, tempProject } from '../rig/project.js';

const USER = 'juni-e2e';

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(abs, uid, gid);
    else chownSync(abs, uid, gid);
  }
}

function owners(dir: string, out = new Set<number>()): Set<number> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    out.add(lstatSync(abs).uid);
    if (e.isDirectory()) owners(abs, out);
  }
  return out;
}

test('a build run by a non-root user leaves only files that user owns', async (t) => {
  if (!requireDocker(t)) return;
  if (process.getuid?.() !== 0) {
    t.skip('creating a user needs root (CI runs as root)');
    return;
  }
  if (spawnSync('id', ['-u', USER]).status !== 0)
    execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', USER]);
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }));
  // The docker group opens the engine's socket to this user.
  const gid = Number(execFileSync('getent', ['group', 'docker'], { encoding: 'utf8' }).split(':')[2]);
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'src/handler.py': 'H = 1\n',
    'manifest.yml': [
      `global: {pipconf: ./pip.conf, image: ${BASE_IMAGE}}`,
      'functions:',
      '  api:',
      '    requirements: ./requirements.txt',
      '    include: [./src/]',
      '',
    ].join('\n'),
  });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'X = 1\n' } });
  chownTree(p.dir, uid, gid);
  const child = spawn(process.execPath, [JUNI, 'build'], { cwd: p.dir, uid, gid, env: testEnv({ HOME: p.dir }) });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, out);
  assert.deepEqual([...owners(p.path('dist'))], [uid]);
  // pip's output tree is deleted by juni after packing: had the container run as root, that
  // deletion (by this user) would have failed the build.
  assert.deepEqual([...owners(p.path('.juni'))], [uid], 'the cache, including the installed packages, too');
});
