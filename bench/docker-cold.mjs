// The cold path of a Docker build (issue 16): one function needing the 40 MB, 3,500-file heavy
// wheel and two small ones, installed in juni-test/python:bookworm from a wheelhouse inside the
// project (which juni copies into the container) with no network. Measured against pip alone in
// the same image with the project bind-mounted, as juni ran it before it copied files instead:
// `docker run` of the same `pip install --target`, with nothing packed or zipped.
// Also a CLI for bench/ab-docker-cold.sh: `node bench/docker-cold.mjs <dir>` writes the project.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureWheels } from './generate.mjs';
import { run, stats } from './measure.mjs';

export const DOCKER_IMAGE = process.env.JUNI_TEST_IMAGE ?? 'juni-test/python:bookworm';
// JUNI_BENCH_BIN: another juni (an older commit's worktree) measured against the same baseline.
const JUNI =
  process.env.JUNI_BENCH_BIN ??
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'packages', 'cli', 'bin', 'juni.js');
const ENV = { ...process.env, JUNI_PULL: 'never', CI: '1' };
delete ENV.JUNI_CACHE_DIR;
delete ENV.JUNI_REMOTE_CACHE_URL;

/** True when the engine answers and has the image (test/docker/provision.sh). */
export function dockerAvailable() {
  return spawnSync('docker', ['image', 'inspect', DOCKER_IMAGE], { stdio: 'ignore' }).status === 0;
}

export function writeDockerProject(dir, wheels) {
  mkdirSync(path.join(dir, 'wheels'), { recursive: true });
  for (const w of readdirSync(wheels).filter((f) => /^(heavylib|benchpkg[01])-/.test(f)))
    copyFileSync(path.join(wheels, w), path.join(dir, 'wheels', w));
  mkdirSync(path.join(dir, 'functions', 'heavy'), { recursive: true });
  writeFileSync(path.join(dir, 'pip.conf'), '[global]\nno-index = true\nfind-links = ./wheels\n');
  writeFileSync(path.join(dir, 'requirements.txt'), 'heavylib\nbenchpkg0\nbenchpkg1\n');
  writeFileSync(
    path.join(dir, 'functions', 'heavy', 'handler.py'),
    'import heavylib\n\ndef handler(e, c):\n    return 1\n',
  );
  writeFileSync(
    path.join(dir, 'manifest.yml'),
    [
      'global:',
      '  pipconf: ./pip.conf',
      `  image: ${DOCKER_IMAGE}`,
      '  network: none',
      'functions:',
      '  heavy:',
      '    requirements: ./requirements.txt',
      '    include: [./functions/heavy/]',
      '',
    ].join('\n'),
  );
}

function juniCold(dir) {
  rmSync(path.join(dir, '.juni'), { recursive: true, force: true });
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const r = run(process.execPath, [JUNI, 'build', '--json'], { cwd: dir, env: ENV });
  if (!JSON.parse(r.stdout).ok) throw new Error(`docker cold build failed:\n${r.stderr.slice(-2000)}`);
  return r;
}

function bindMountedPip(dir) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'juni-bench-pip-'));
  try {
    return run('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '--user',
      `${process.getuid()}:${process.getgid()}`,
      '-e',
      'HOME=/tmp',
      '-v',
      `${dir}:/juni/project:ro`,
      '-v',
      `${path.join(dir, 'pip.conf')}:/etc/pip.conf:ro`,
      '-v',
      `${out}:/juni/out`,
      '-w',
      '/juni/project',
      DOCKER_IMAGE,
      ...['python3', '-m', 'pip', 'install', '--target', '/juni/out', '--no-compile', '--no-input'],
      ...['--progress-bar', 'off', '--disable-pip-version-check', '-q', '-r', 'requirements.txt'],
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Alternates juni's cold Docker build and bind-mounted pip, `runs` times each. */
export function dockerColdBench(dir, wheels, runs) {
  rmSync(dir, { recursive: true, force: true });
  writeDockerProject(dir, wheels);
  juniCold(dir); // warm the page cache and the engine's image layers alike for both
  const juni = [];
  const pip = [];
  for (let i = 0; i < runs; i++) {
    const j = juniCold(dir);
    juni.push(j);
    pip.push(bindMountedPip(dir).ms);
  }
  return {
    juni: { ...stats(juni.map((r) => r.ms)), rss: Math.max(...juni.map((r) => r.rss)) },
    bindMountedPip: stats(pip),
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) writeDockerProject(process.argv[2], ensureWheels());
