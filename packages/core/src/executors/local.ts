// Owns installing requirements with pip on the host (`executor: local`).
// Leaves caching the installed tree to the node runner, and containers to packages/docker.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { parsePipReport } from '../install/pip-report.js';
import type { CacheDatabase } from '../cache/database.js';
import type { NodeFailure } from '../report/failures.js';
import { probePython } from './python-info.js';
import type { Executor, InstallRequest, InstallResult, ResolveResult } from './executor.js';
import { LineSplitter } from './line-splitter.js';

const TAIL_LINES = 40;

/** The `--platform` tags pip should accept for a Lambda architecture (newest glibc first). */
export function manylinuxPlatforms(architecture: 'x86_64' | 'arm64'): string[] {
  const arch = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  return [`manylinux_2_28_${arch}`, `manylinux_2_17_${arch}`, `manylinux2014_${arch}`];
}

/** The pip arguments for one install; with python/architecture, manylinux wheels for that target. */
export function pipArguments(request: InstallRequest): string[] {
  const { node, target } = request;
  const args = [
    '-m',
    'pip',
    'install',
    '--target',
    target,
    '--no-compile',
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
    '-r',
    request.inputs.requirements,
  ];
  const { python, architecture } = node.settings;
  if (python !== undefined && architecture !== undefined) {
    for (const platform of manylinuxPlatforms(architecture)) args.push('--platform', platform);
    args.push('--implementation', 'cp', '--python-version', python, '--only-binary=:all:');
  }
  return args;
}

/**
 * The environment pip runs with. When the manifest names a pip.conf, it is the configuration, as
 * in juniper's container: inherited PIP_* variables (which pip ranks above any config file) are
 * dropped, so a laptop's or CI runner's PIP_FIND_LINKS or PIP_INDEX_URL cannot change the build.
 */
export function pipEnvironment(base: NodeJS.ProcessEnv, pipconf: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (pipconf !== undefined && name.startsWith('PIP_')) continue;
    env[name] = value;
  }
  env.PYTHONDONTWRITEBYTECODE = '1';
  if (pipconf !== undefined) env.PIP_CONFIG_FILE = pipconf;
  return env;
}

export class LocalExecutor implements Executor {
  readonly kind = 'local';
  readonly #db: CacheDatabase;

  constructor(options: { db: CacheDatabase }) {
    this.#db = options.db;
  }

  async installDeps(request: InstallRequest): Promise<InstallResult> {
    const ran = await this.#pip(request, pipArguments(request));
    if (!ran.ok) return ran;
    if (ran.exit.exitCode === 0) return { ok: true };
    return { ok: false, failure: { reason: 'pip-failed', ...ran.exit, logTail: ran.tail } };
  }

  /**
   * pip resolves the set as it would install it (same arguments, with `--dry-run --report`), so
   * the distributions are exactly those an install would take, for the target's platform.
   */
  async resolve(request: InstallRequest): Promise<ResolveResult> {
    const python = request.python ?? probePython(this.#db, request.cwd);
    const version = python.ok ? pipVersionOf(python.description) : undefined;
    if (version !== undefined && (version[0] < 22 || (version[0] === 22 && version[1] < 2)))
      return { ok: 'unavailable', why: `pip ${version.join('.')} has no --dry-run --report (22.2 has)` };
    const report = `${request.target}.report.json`;
    try {
      const args = pipArguments(request);
      args.splice(3, 0, '--dry-run', '--report', report);
      const ran = await this.#pip(request, args);
      if (!ran.ok) return ran;
      if (ran.exit.exitCode !== 0) {
        const old = ran.tail.find((l) => /no such option: --(report|dry-run)/.test(l));
        if (old) return { ok: 'unavailable', why: `this pip has no --dry-run --report (${ran.python.description})` };
        return { ok: false, failure: { reason: 'pip-failed', ...ran.exit, logTail: ran.tail } };
      }
      let text: string;
      try {
        text = readFileSync(report, 'utf8');
      } catch {
        return { ok: 'unavailable', why: 'pip wrote no report' };
      }
      const parsed = parsePipReport(text);
      if (!parsed.ok) return { ok: 'unavailable', why: parsed.message };
      return { ok: true, distributions: parsed.distributions, interpreter: ran.python.executable };
    } finally {
      rmSync(report, { force: true });
    }
  }

  async #pip(request: InstallRequest, args: string[]): Promise<PipRun> {
    // The plan's probe, so pip runs exactly the interpreter the key describes.
    const python = request.python ?? probePython(this.#db, request.cwd);
    if (!python.ok)
      return { ok: false, failure: { reason: python.reason, message: python.message, hint: python.hint } };
    const env = pipEnvironment(process.env, request.inputs.pipconf);
    const child = spawn(python.executable, args, {
      cwd: request.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: request.signal,
    });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      request.onLog(line);
    };
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const exit = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    out.end();
    err.end();
    if (request.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    if (exit.error)
      return {
        ok: false,
        failure: {
          reason: 'python-missing',
          message: `could not start ${python.executable}: ${exit.error.message}`,
          hint: 'check that python3 runs on this machine',
        },
      };
    return { ok: true, exit: { exitCode: exit.code, signal: exit.signal }, tail, python };
  }
}

/** pip's major and minor version, from the probe's description (`cpython 3.11.7 pip 23.2.1`). */
function pipVersionOf(description: string): [number, number] | undefined {
  const m = / pip (\d+)\.(\d+)/.exec(description);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** One pip process that ran (whatever its exit code), or why it could not. */
type PipRun =
  | {
      ok: true;
      exit: { exitCode: number | null; signal: string | null };
      tail: string[];
      python: { executable: string; description: string };
    }
  | { ok: false; failure: NodeFailure };
