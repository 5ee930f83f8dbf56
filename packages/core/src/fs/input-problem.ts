// Owns the ways an input can be unfit to read before any byte of it is read: not a regular file
// (a fifo or a device would block or never end), too large for any Lambda package, or the very
// file juni's own output is being written to. Leaves wording them to the CLI.
import type { BigIntStats, Stats } from 'node:fs';
import { kindOf, type PathKind } from './path-kind.js';

/** What a path is, when it is not a regular file or a folder, or has a name no zip can hold. */
export type SpecialFileType =
  | Exclude<PathKind, 'file' | 'dir'>
  /** Its name's bytes are not UTF-8: Node cannot even name it to open it, and a zip entry must be UTF-8. */
  | 'name-not-utf8';

/**
 * The most any one file in a function or layer can be: Lambda's unzipped limit for a function
 * with all its layers (250 MB, as AWS counts: 262,144,000 bytes). A larger file can never ship,
 * so it is refused before it is hashed (seconds for gigabytes) or read (Node reads at most 2 GiB).
 */
export const LARGEST_INPUT_BYTES = 262_144_000;

export type InputProblem =
  | { problem: 'not-regular'; path: string; type: SpecialFileType; entry?: string | undefined }
  | { problem: 'too-large'; path: string; bytes: number; allowed: number; entry?: string | undefined }
  /** juni's stdout or stderr is redirected into a file the build packs: it grows while it is zipped. */
  | {
      problem: 'own-output';
      path: string;
      stream: 'stdout' | 'stderr';
      entry?: string | undefined;
      /** Set when it is in the build context of this image (left out by .dockerignore, not exclude:). */
      image?: string | undefined;
    };

/** Thrown while planning; prepare.ts turns it into a PrepareFailure (the manifest's paths: exit 2). */
export class InputProblemError extends Error {
  readonly problem: InputProblem;
  constructor(problem: InputProblem) {
    super(`${problem.path}: ${problem.problem}`);
    this.problem = problem;
  }
}

/** The kind of a path that is neither a regular file nor a folder; undefined for those two. */
export function specialTypeOf(stats: Stats | BigIntStats): SpecialFileType | undefined {
  const kind = kindOf(stats);
  return kind === 'file' || kind === 'dir' ? undefined : kind;
}

/** Refuses a stat that is not a regular file (a folder is the caller's mistake, reported as such). */
export function requireRegular(absPath: string, stats: Stats | BigIntStats, entry?: string): void {
  const type = stats.isDirectory() ? undefined : specialTypeOf(stats);
  if (type !== undefined) throw new InputProblemError({ problem: 'not-regular', path: absPath, type, entry });
}
