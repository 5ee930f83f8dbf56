// Owns the two ways writing a zip can fail for a reason that is not a bug: an input that is not
// what the key says, and a zip too large for the format juni writes. Leaves wording to the CLI.
import { InputProblemError } from '../fs/input-problem.js';

export type ZipProblem =
  /** A file's bytes differ from its keyed hash (edited, resized, deleted) or a pack is truncated. */
  | {
      reason: 'input-changed';
      path: string;
      change: 'changed' | 'changed size' | 'vanished' | 'truncated' | 'not a regular file';
    }
  /** The zip would need ZIP64 (over 65,535 entries or 4 GiB), which no Lambda package needs. */
  | { reason: 'needs-zip64'; entries: number; overFourGiB: boolean };

/** Carries a ZipProblem through the write pipeline (and from worker threads); writeZip returns it as data. */
export class ZipProblemError extends Error {
  readonly problem: ZipProblem;

  constructor(problem: ZipProblem) {
    super(
      problem.reason === 'input-changed'
        ? `${problem.path} ${problem.change} while it was being zipped`
        : 'needs ZIP64',
    );
    this.problem = problem;
  }
}

/** The problem a failed write ran into, or undefined when the failure is not one (a bug, a full disk). */
export function zipProblemOf(error: unknown): ZipProblem | undefined {
  if (error instanceof ZipProblemError) return error.problem;
  // Swapped for a fifo or a device after planning: refused unopened (fs/read-regular.ts).
  if (error instanceof InputProblemError && error.problem.problem === 'not-regular')
    return { reason: 'input-changed', path: error.problem.path, change: 'not a regular file' };
  const e = error as NodeJS.ErrnoException | undefined;
  // A file deleted between planning and zipping.
  if (e?.code === 'ENOENT' && typeof e.path === 'string')
    return { reason: 'input-changed', path: e.path, change: 'vanished' };
  return undefined;
}
