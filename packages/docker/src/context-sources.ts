// Owns which files of a build context a COPY/ADD source (or a bind mount's source) names, by
// Docker's rules: paths relative to the context root ('/' and '..' cannot leave it), a folder
// names everything under it, `.` the whole context, globs matched with Go's filepath.Match
// against every file and folder. Leaves reading the Dockerfile to dockerfile-inputs.ts.
import path from 'node:path';
import { goGlob, hasWildcards } from './go-glob.js';

/** A source as Docker cleans it: relative to the context root, '' for the root itself. */
export function cleanSource(source: string): string {
  const cleaned = path.posix.normalize(`/${source}`).replace(/^\/+/, '').replace(/\/+$/, '');
  return cleaned === '.' ? '' : cleaned;
}

/**
 * The context files (relative, '/'-separated) that `sources` name. A glob Go rejects names
 * nothing here (Docker fails that build); the caller decides what an unreadable source means.
 */
export function filesNamedBy(files: readonly string[], sources: readonly string[]): Set<string> {
  const named = new Set<string>();
  for (const raw of sources) {
    const source = cleanSource(raw);
    if (source === '') {
      for (const f of files) named.add(f);
      continue;
    }
    if (!hasWildcards(source)) {
      const under = `${source}/`;
      for (const f of files) if (f === source || f.startsWith(under)) named.add(f);
      continue;
    }
    const glob = goGlob(source);
    if (!glob) continue;
    // Docker walks the context and copies each match: a matching folder brings all it holds.
    for (const f of files) if (selfOrAncestors(f).some((p) => glob.test(p))) named.add(f);
  }
  return named;
}

/** 'a/b/c' -> ['a', 'a/b', 'a/b/c']. */
function selfOrAncestors(file: string): string[] {
  const parts = file.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
