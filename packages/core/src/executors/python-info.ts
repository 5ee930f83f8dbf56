// Owns finding the host's python3 and what it is (version, pip version), memoised so a no-op build
// does not start Python. Leaves running pip to local.ts.
//
// The memo must notice every way the interpreter behind `python3` can change, because its
// description goes into the keys of local installs:
// - a different python3 on PATH, or the binary replaced: the resolved path and its stat;
// - a version manager's shim (pyenv, asdf) choosing another version: the shim never changes, so
//   the memo also covers what shims choose by (their env vars and version files, see below);
// - pip upgraded inside the same interpreter: the stat of pip's own __init__.py.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CacheDatabase } from '../cache/database.js';

export type PythonInfoResult =
  /** `executable` is the interpreter itself (a shim resolved), so pip runs what the key describes. */
  | { ok: true; executable: string; description: string }
  | { ok: false; reason: 'python-missing' | 'pip-missing'; message: string; hint: string };

/** What one probe of the interpreter found; stored in the cache's meta table. */
interface ProbeMemo {
  description: string;
  executable: string;
  pipFile: string;
  /** stat stamps of the real interpreter and of pip, to notice a replaced binary or upgraded pip. */
  stamps: string;
}

/** The first `python3` on PATH. */
export function findPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'python3');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const PROBE = [
  'import sys, json, pip',
  'print(json.dumps([sys.implementation.name + " " + sys.version.split()[0] + " pip " + pip.__version__, sys.executable, pip.__file__]))',
].join('; ');

/**
 * Python and pip versions of the python3 that pip would run from `cwd` (the manifest folder:
 * version managers choose by the working folder); goes into the keys of local pip installs.
 */
export function probePython(db: CacheDatabase, cwd: string, env: NodeJS.ProcessEnv = process.env): PythonInfoResult {
  const found = findPython(env);
  if (!found) {
    return {
      ok: false,
      reason: 'python-missing',
      message: 'python3 was not found on PATH',
      hint: 'install Python 3 with pip (e.g. apt-get install python3 python3-pip)',
    };
  }
  const real = realpathSync(found);
  const memoKey = `python-info:${real}:${stamp(real)}:${versionSelection(cwd, env)}`;
  const row = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(memoKey);
  const memo = row ? parseMemo(row.value) : undefined;
  if (memo && memo.stamps === stampsOf(memo.executable, memo.pipFile))
    return { ok: true, executable: memo.executable, description: memo.description };

  const probe = spawnSync(found, ['-c', PROBE], { encoding: 'utf8', cwd, env });
  const parsed = probe.status === 0 ? parseProbe(probe.stdout) : undefined;
  if (!parsed) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? '';
    return {
      ok: false,
      reason: 'pip-missing',
      message: `${found} cannot import pip: ${why}`,
      hint: 'install pip for this interpreter (e.g. apt-get install python3-pip)',
    };
  }
  const executable = parsed.executable || found;
  const stored: ProbeMemo = {
    description: parsed.description,
    executable,
    pipFile: parsed.pipFile,
    stamps: stampsOf(executable, parsed.pipFile),
  };
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(memoKey, JSON.stringify(stored));
  return { ok: true, executable, description: parsed.description };
}

/**
 * What a pyenv or asdf shim chooses a version by, as a cheap fingerprint (no process started):
 * their environment variables, the nearest `.python-version` / `.tool-versions` from `cwd` up, and
 * pyenv's global version file. For a plain interpreter these change rarely and cost one re-probe.
 */
export function versionSelection(cwd: string, env: NodeJS.ProcessEnv): string {
  const parts = [`PYENV_VERSION=${env.PYENV_VERSION ?? ''}`, `ASDF_PYTHON_VERSION=${env.ASDF_PYTHON_VERSION ?? ''}`];
  for (const name of ['.python-version', '.tool-versions']) {
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      const file = path.join(dir, name);
      const s = stamp(file);
      if (s !== 'absent') {
        parts.push(`${file}:${s}`);
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  const pyenvRoot = env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  parts.push(`global:${stamp(path.join(pyenvRoot, 'version'))}`);
  return parts.join(';');
}

function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

function stampsOf(executable: string, pipFile: string): string {
  let real = executable;
  try {
    real = realpathSync(executable);
  } catch {
    // a missing interpreter stamps as absent, which never matches a stored stamp
  }
  return `${stamp(real)}|${stamp(pipFile)}`;
}

function parseMemo(value: string): ProbeMemo | undefined {
  try {
    const v = JSON.parse(value) as Partial<ProbeMemo>;
    // Rows of older juni versions hold only the description: probe again.
    if (
      typeof v.description !== 'string' ||
      typeof v.executable !== 'string' ||
      typeof v.pipFile !== 'string' ||
      typeof v.stamps !== 'string'
    )
      return undefined;
    return v as ProbeMemo;
  } catch {
    return undefined;
  }
}

function parseProbe(stdout: string): { description: string; executable: string; pipFile: string } | undefined {
  try {
    const v = JSON.parse(stdout.trim().split('\n').pop() ?? '') as unknown;
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) return undefined;
    const [description, executable, pipFile] = v as [string, string, string];
    return { description, executable, pipFile };
  } catch {
    return undefined;
  }
}
