// The benchmark's scenarios on one generated monorepo: each edits something, builds, and records
// time, peak RSS, what was built and which zips were rewritten.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { run } from './measure.mjs';

const JUNI = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'packages', 'cli', 'bin', 'juni.js');
const ENV = { ...process.env, JUNI_PULL: 'never', CI: '1' };
delete ENV.JUNI_CACHE_DIR;
delete ENV.JUNI_REMOTE_CACHE_URL;

export function build(dir, args = []) {
  const r = run(process.execPath, [JUNI, 'build', '--json', ...args], { cwd: dir, env: ENV });
  const report = JSON.parse(r.stdout);
  if (!report.ok) throw new Error(`build failed in ${dir}:\n${r.stderr.slice(-2000)}`);
  return { ...r, report };
}

function zipDigests(dir) {
  const out = new Map();
  for (const name of readdirSync(path.join(dir, 'dist')))
    out.set(
      name,
      createHash('sha256')
        .update(readFileSync(path.join(dir, 'dist', name)))
        .digest('hex'),
    );
  return out;
}

function zipMtimes(dir) {
  const out = new Map();
  for (const e of readdirSync(path.join(dir, 'dist'), { withFileTypes: true }))
    out.set(e.name, readFileSync(path.join(dir, 'dist', e.name)).length + ':' + (e.isFile() ? 0 : 1));
  return out;
}

let counter = 0;
const edit = (file) =>
  writeFileSync(file, readFileSync(file, 'utf8').replace(/\n# edit \d+\n$/, '') + `\n# edit ${++counter}\n`);

/** name -> function(dir) returning one sample {ms, rss, built, rewritten, nodeMs}. */
export const SCENARIOS = {
  cold(dir) {
    rmSync(path.join(dir, '.juni'), { recursive: true, force: true });
    rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    const b = build(dir);
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built };
  },
  noop(dir) {
    const b = build(dir);
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built };
  },
  oneHandlerEdit(dir) {
    const before = zipDigests(dir);
    edit(path.join(dir, 'functions', 'fn0000', 'handler.py'));
    const b = build(dir);
    const after = zipDigests(dir);
    const rewritten = [...after].filter(([k, v]) => before.get(k) !== v).length;
    const node = b.report.nodes.find((n) => n.name === 'fn0000');
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built, rewritten, nodeMs: node.durationMs };
  },
  sharedLibEdit(dir) {
    edit(path.join(dir, 'shared', 'common', 'mod0.py'));
    const b = build(dir);
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built };
  },
  requirementsEdit(dir) {
    const file = path.join(dir, 'reqs', 'set00.txt');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.includes('benchpkg9') ? text.replace('benchpkg9\n', '') : text + 'benchpkg9\n');
    const b = build(dir);
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built };
  },
  heavyCodeEdit(dir) {
    edit(path.join(dir, 'functions', 'heavy', 'handler.py'));
    const b = build(dir, ['-f', 'heavy', '--skip-clean']);
    const node = b.report.nodes.find((n) => n.name === 'heavy');
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built, nodeMs: node.durationMs };
  },
  heavyCold(dir) {
    rmSync(path.join(dir, '.juni'), { recursive: true, force: true });
    const b = build(dir, ['-f', 'heavy', '--skip-clean']);
    return { ms: b.ms, rss: b.rss, built: b.report.summary.built };
  },
};

/** Save-to-zip latency in watch mode: edit a handler, wait until its zip's bytes change. */
export async function watchLatency(dir, runs) {
  const child = spawn(process.execPath, [JUNI, 'build', '--watch', '--json'], {
    cwd: dir,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let reports = 0;
  let err = '';
  child.stdout.on('data', (c) => (reports += String(c).split('\n').filter(Boolean).length));
  child.stderr.on('data', (c) => (err += String(c)));
  const waitFor = async (check, what) => {
    const deadline = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`watch: timed out waiting for ${what}\n${err.slice(-1000)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  await waitFor(() => reports >= 1 && /watching/.test(err), 'the first build');
  const zip = path.join(dir, 'dist', 'fn0001.zip');
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const before = readFileSync(zip);
    const seen = reports;
    const started = process.hrtime.bigint();
    edit(path.join(dir, 'functions', 'fn0001', 'handler.py'));
    await waitFor(() => {
      try {
        return !readFileSync(zip).equals(before);
      } catch {
        return false;
      }
    }, 'the zip to change');
    samples.push({ ms: Number(process.hrtime.bigint() - started) / 1e6 });
    await waitFor(() => reports > seen, 'the build report');
  }
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  return samples;
}
