// Runs the built `juni` binary in a project, as a user would.
import { spawn } from 'node:child_process';
import { JUNI } from './paths.js';

export interface JuniRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface NodeResult {
  kind: string;
  name: string;
  status: string;
  key: string;
  durationMs: number;
  outputs: { path: string; sha256: string; bytes: number }[];
  cache?: string;
  failure?: { reason: string; message: string; path?: string };
}

export interface JsonReport {
  ok: boolean;
  nodes: NodeResult[];
  warnings: { code?: string; message: string }[];
  summary: { built: number; cached: number; failed: number; skipped: number; durationMs: number; bytesWritten: number };
}

/** Tests never reach a registry, and CI's variables do not leak into the tool's output choices. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JUNI_PULL: 'never' };
  delete env.JUNI_CACHE_DIR;
  delete env.JUNI_REMOTE_CACHE_URL;
  delete env.TURBO_API;
  Object.assign(env, extra);
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export function juni(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; shell?: string; user?: { uid: number; gid: number } },
): Promise<JuniRun> {
  return new Promise((resolve, reject) => {
    const child = options.shell
      ? spawn('sh', ['-c', `${options.shell} && exec "$0" "$@"`, process.execPath, JUNI, ...args], {
          cwd: options.cwd,
          env: testEnv(options.env),
        })
      : spawn(process.execPath, [JUNI, ...args], { cwd: options.cwd, env: testEnv(options.env), ...options.user });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `juni build --json ...`; fails the test with stderr when stdout is not one JSON report. */
export async function buildJson(
  cwd: string,
  args: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<{ run: JuniRun; report: JsonReport }> {
  const run = await juni(['build', '--json', ...args], { cwd, ...(env ? { env } : {}) });
  try {
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  } catch {
    throw new Error(
      `juni build --json did not print JSON (exit ${run.code}).\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
}

/** name -> status, for compact assertions ("api" -> "built"). Deps nodes appear as "deps:NAME". */
export function statuses(report: JsonReport): Record<string, string> {
  return Object.fromEntries(
    report.nodes.map((n) => [n.kind === 'function' || n.kind === 'layer' ? n.name : `${n.kind}:${n.name}`, n.status]),
  );
}
