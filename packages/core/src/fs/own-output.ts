// Owns knowing which files juni's own output is being written to (`juni build > build.log 2>&1`):
// such a file grows all through the build, so packing it can never succeed, and --watch must not
// rebuild because juni itself wrote to it. Leaves the checks to the planner and the watcher.
import { fstatSync, statSync } from 'node:fs';

/** A file one of the process's output streams writes to, by device and inode (the path may be a link). */
export interface OwnOutput {
  stream: 'stdout' | 'stderr';
  dev: bigint;
  ino: bigint;
}

/** The regular files stdout and stderr are redirected to (terminals and pipes are not files). */
export function ownOutputFiles(fds: { stdout: number; stderr: number } = { stdout: 1, stderr: 2 }): OwnOutput[] {
  const out: OwnOutput[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    try {
      const stats = fstatSync(fds[stream], { bigint: true });
      if (stats.isFile()) out.push({ stream, dev: stats.dev, ino: stats.ino });
    } catch {
      // A closed descriptor writes nowhere.
    }
  }
  return out;
}

/** Whether `absPath` is one of those files (false when it is gone). */
export function isOwnOutput(absPath: string, own: readonly OwnOutput[]): boolean {
  if (own.length === 0) return false;
  let stats;
  try {
    stats = statSync(absPath, { bigint: true, throwIfNoEntry: false });
  } catch {
    return false; // unreadable (EACCES): not a file this process writes to
  }
  return stats !== undefined && own.some((o) => o.dev === stats.dev && o.ino === stats.ino);
}
