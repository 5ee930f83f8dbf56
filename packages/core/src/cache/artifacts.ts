// Owns the content-addressed files beside the database: zips by sha256, dependency trees by node
// key, and the temp folder they are written through. Leaves what they mean to results.ts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cachePaths } from './location.js';

/** Artifacts are written to `tmp/` first and renamed into place, so none is ever half there. */
export class ArtifactStore {
  readonly root: string;
  /** The cache folder the store lives in. */
  readonly cacheDir: string;
  readonly #tmp: string;

  constructor(cacheDir: string) {
    this.cacheDir = cacheDir;
    this.root = cachePaths(cacheDir).artifacts;
    // One temp folder per process: a crashed run's leftovers are found by their dead pid.
    this.#tmp = path.join(cacheDir, 'tmp', `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(path.join(this.root, 'zips'), { recursive: true });
    mkdirSync(path.join(this.root, 'deps'), { recursive: true });
    mkdirSync(this.#tmp, { recursive: true });
    removeDeadTempFolders(path.join(cacheDir, 'tmp'));
  }

  zipPath(sha256: string): string {
    return path.join(this.root, 'zips', `${sha256}.zip`);
  }

  treePath(key: string): string {
    return path.join(this.root, 'deps', key);
  }

  packPath(key: string): string {
    return path.join(this.root, 'deps', `${key}.pack`);
  }

  /** A fresh path inside this process's temp folder. */
  tempPath(label: string): string {
    return path.join(this.#tmp, `${label}-${randomBytes(6).toString('hex')}`);
  }

  /** Moves a finished temp file or folder into place; if another process got there first, keeps theirs. */
  commit(tempPath: string, finalPath: string): void {
    try {
      renameSync(tempPath, finalPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(finalPath)) {
        rmSync(tempPath, { recursive: true, force: true });
        return;
      }
      throw error;
    }
  }

  remove(finalPath: string): void {
    rmSync(finalPath, { recursive: true, force: true });
  }

  /** Removes this process's temp folder. */
  close(): void {
    rmSync(this.#tmp, { recursive: true, force: true });
  }
}

function removeDeadTempFolders(tmpRoot: string): void {
  for (const name of readdirSync(tmpRoot)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid))
      rmSync(path.join(tmpRoot, name), { recursive: true, force: true });
  }
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // ESRCH: no such process. EPERM (another user's) or anything unexpected counts as alive:
    // a live process must never lose its files or containers.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
