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
