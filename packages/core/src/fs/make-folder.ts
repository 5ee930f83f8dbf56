// Owns creating a folder and its missing parents one level at a time. Node's recursive mkdir
// retries forever when a file system answers ENOENT for a folder whose parent exists (procfs
// does), a synchronous loop no signal can interrupt; level by level, that is an error instead.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); !existsSync(p); p = path.dirname(p)) {
    missing.push(p);
    if (path.dirname(p) === p) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Another juni process may have made it in the meantime.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory()) continue;
      throw error;
    }
  }
}
