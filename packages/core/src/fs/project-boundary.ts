// Owns the project's boundary: the git work tree holding the manifest (or the manifest's folder
// outside git) plus the manifest's `allow_outside` folders. Leaves walking files to walk.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isWithin, realPathLoose } from './real-path.js';

export class ProjectBoundary {
  /** The resolved project root. */
  readonly root: string;
  /** Resolved folders or files outside the root that the manifest allows on purpose. */
  readonly allowed: readonly string[];

  constructor(options: { root: string; allowed?: readonly string[] }) {
    this.root = realPathLoose(options.root);
    this.allowed = (options.allowed ?? []).map((p) => realPathLoose(p));
  }

  /** The boundary of the project whose manifest is in `manifestDir`. */
  static forManifest(manifestDir: string, allowed: readonly string[] = []): ProjectBoundary {
    return new ProjectBoundary({ root: projectRootOf(manifestDir), allowed });
  }

  /** True when the resolved path `real` may be packaged. */
  contains(real: string): boolean {
    return isWithin(real, this.root) || this.allowed.some((a) => isWithin(real, a));
  }
}

/**
 * The nearest folder at or above `manifestDir` that holds `.git` (a folder, or a file in
 * worktrees and submodules); the manifest's own folder when it is not in a git work tree.
 */
export function projectRootOf(manifestDir: string): string {
  const start = realPathLoose(manifestDir);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}
