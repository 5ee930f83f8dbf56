// Owns finding the host's python3 and what it is (version, pip version), memoised by the
// interpreter's stat so a no-op build does not start Python. Leaves running pip to local.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CacheDatabase } from '../cache/database.js';

export type PythonInfoResult =
  | { ok: true; executable: string; description: string }
  | { ok: false; reason: 'python-missing' | 'pip-missing'; message: string; hint: string };

/** The first `python3` on PATH, resolved through symlinks. */
export function findPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'python3');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Python and pip versions of the host interpreter; goes into the keys of local pip installs. */
export function probePython(db: CacheDatabase): PythonInfoResult {
  const executable = findPython();
  if (!executable) {
    return {
      ok: false, reason: 'python-missing', message: 'python3 was not found on PATH',
      hint: 'install Python 3 with pip (e.g. apt-get install python3 python3-pip)',
    };
  }
  const real = realpathSync(executable);
  const st = statSync(real);
  const memoKey = `python-info:${real}:${st.size}:${st.mtimeMs}`;
  const row = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(memoKey);
  if (row) return { ok: true, executable, description: row.value };
  const probe = spawnSync(executable, ['-c', 'import sys, pip; print(sys.implementation.name, sys.version.split()[0], "pip", pip.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return {
      ok: false, reason: 'pip-missing', message: `${executable} cannot import pip: ${probe.stderr.trim().split('\n').pop() ?? ''}`,
      hint: 'install pip for this interpreter (e.g. apt-get install python3-pip)',
    };
  }
  const description = probe.stdout.trim();
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(memoKey, description);
  return { ok: true, executable, description };
}
