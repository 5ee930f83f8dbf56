// Runs one command and measures it: wall time, and the peak RSS of the process (GNU time's %M,
// i.e. the kernel's ru_maxrss of the child). Also small statistics helpers.
import { spawnSync } from 'node:child_process';

export function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '__RSS_KB__ %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rss = Number(/__RSS_KB__ (\d+)/.exec(result.stderr)?.[1] ?? 0) * 1024;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-2000)}`);
  }
  return { ms, rss, stdout: result.stdout, stderr: result.stderr };
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    n: sorted.length,
  };
}
