// Owns resolving paths the way the file system will: symlinks followed, also for folders that do
// not exist yet. Leaves deciding what a resolved path may be to project-boundary.ts and the output checks.
import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The real path of `p`: the nearest existing ancestor resolved through its symlinks, with the
 * missing rest appended. `dist -> ../elsewhere` that does not hold `dist` yet still resolves to
 * where a write would land.
 */
export function realPathLoose(p: string): string {
  const abs = path.resolve(p);
  const missing: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return abs;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** True when `child` is `parent` or lies below it (both absolute and already resolved). */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
