// Owns the contract for finding shared libraries where a zip's files were built (a build image,
// or the host for the local executor) and copying them out. Leaves deciding which libraries are
// missing to the resolver, and the engine to packages/docker.
import type { Architecture } from '../manifest/types.js';
import type { NodeFailure } from '../report/failures.js';

/** One soname found where the build ran. */
export interface FoundLibrary {
  soname: string;
  /** The path the loader would open, possibly a symlink (`/usr/lib/x86_64-linux-gnu/libyaml-0.so.2`). */
  path: string;
  /** That path with every symlink resolved: the file that is copied. */
  realPath: string;
  /** Absolute host path of the copy (`dest/<soname>`), when `dest` was given. */
  copy?: string;
}

export interface LibraryRequest {
  /** The sonames to look for (DT_NEEDED names, never paths). */
  sonames: readonly string[];
  /** Only libraries for this architecture count (ld.so.cache lists other ABIs too). */
  architecture: Architecture;
  /** When set, each found library's file (symlinks resolved) is copied to `dest/<soname>`, mode 0644. */
  dest?: string;
}

/** Sonames not found are simply absent from `found`. */
export type LibraryLookup = { ok: true; found: FoundLibrary[] } | { ok: false; failure: NodeFailure };

/** Why `soname` cannot be looked up: a soname is a file name, and it reaches a shell as an argument. */
export function refusedSoname(soname: string): string | undefined {
  if (soname === '') return 'it is empty';
  if (soname.includes('/')) return 'it is a path, not a file name';
  if (soname.startsWith('-') || soname.startsWith('.')) return `it starts with "${soname[0]}"`;
  // Tabs and newlines would break the script's output lines; no real soname has control characters.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(soname)) return 'it has control characters';
  return undefined;
}
