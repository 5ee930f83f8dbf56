// Owns the typed reasons a node can fail: data (paths, names, counts), never sentences with CLI
// flags. Leaves detecting them to the executors and runners, and wording them to the CLI.
import type { Architecture } from '../manifest/types.js';
import type { NativeProblem } from '../native/resolve.js';

/** Why a layer or function breaks one of Lambda's limits (the zip would not deploy). */
export type LambdaLimit =
  /** The zip would need ZIP64: more than 65,535 entries, or over 4 GiB. */
  | { limit: 'zip64'; entries: number; overFourGiB: boolean }
  /** More layers than Lambda allows on one function. */
  | { limit: 'layers'; layers: number; allowed: number }
  /** The function with its layers unzips to more than Lambda allows. */
  | { limit: 'unzipped'; bytes: number; allowed: number; contributors: { name: string; bytes: number }[] };

/** A native-library problem of one zip file, with where the build's machine has a missing library. */
export type NativeFinding = NativeProblem & { foundAt?: string };

/** What the zip was judged against, for the words of a native-libs failure. */
export interface NativeJudged {
  architecture: Architecture;
  python: string | undefined;
  /** The runtime's OS and glibc, when `python:` is set. */
  os: { name: string; glibc: string } | undefined;
  /** Where missing libraries were looked for: the build image (its reference) or this machine. */
  searched: { where: 'image'; ref: string } | { where: 'host' } | { where: 'nowhere'; why: string };
}

export type NodeFailure =
  /** pip exited non-zero or was killed; `logTail` is its last lines. */
  | { reason: 'pip-failed'; exitCode: number | null; signal: string | null; logTail: string[] }
  | { reason: 'python-missing' | 'pip-missing'; message: string; hint: string }
  /** Entries (`users`) need an executor this build of juni does not have. */
  | { reason: 'executor-unavailable'; executor: 'docker'; users: string[] }
  /**
   * An input's bytes differ from those its key was computed from (edited, resized or deleted
   * during the build, at `step`): nothing was stored, and the next build sees the change.
   */
  | {
      reason: 'input-changed';
      path: string;
      entry: string;
      step: 'install' | 'zip' | 'image';
      change:
        | 'changed'
        | 'changed size'
        | 'vanished'
        | 'truncated'
        | 'not a regular file'
        | 'no longer referenced'
        | 'newly referenced';
    }
  /** The Docker engine cannot be reached; `message` holds the engine's own error. */
  | { reason: 'docker-unreachable'; message: string; hint: string }
  | { reason: 'image-unavailable'; ref: string; message: string; hint: string }
  | { reason: 'image-build-failed'; message: string; logTail: string[] }
  | { reason: 'container-failed'; message: string }
  /** A path pip's inputs name that a build container cannot be given (outside the project, not in the image). */
  | { reason: 'input-unsendable'; message: string; hint: string }
  | ({ reason: 'lambda-limit'; entry: string } & LambdaLimit)
  /**
   * The zip's ELF files would not load on Lambda: a needed library found nowhere, another
   * architecture, a newer glibc, another Python. Nothing was written for the entry.
   */
  | {
      reason: 'native-libs';
      entry: string;
      kind: 'function' | 'layer';
      mode: 'check' | 'bundle';
      judged: NativeJudged;
      problems: NativeFinding[];
    }
  /**
   * The function's handler failed in the runtime image (`juni check`, `juni invoke`): its module
   * did not import, has no such function, the handler raised, or its result is not JSON. The
   * error as Python gave it: its type, its message and the traceback's lines.
   */
  | {
      reason: 'handler-failed';
      entry: string;
      handler: string;
      image: string;
      phase: 'import' | 'find' | 'invoke' | 'result';
      errorType: string;
      /** Python's own message (`str(error)`); `message` in --json is juni's sentence. */
      errorMessage: string;
      traceback: string[];
    }
  /** The handler went over a limit Lambda would enforce: the time limit or the memory size. */
  | {
      reason: 'handler-limit';
      entry: string;
      handler: string;
      image: string;
      phase: 'import' | 'invoke';
      limit: 'timeout' | 'memory';
      /** The limit: seconds for a timeout, MB for memory. */
      value: number;
    }
  /** The runtime image runs another Python than the zips were built for. */
  | { reason: 'runtime-mismatch'; entry: string; image: string; expected: string; found: string }
  /** The function names no handler and its zip has no lambda_function.py at its root. */
  | { reason: 'handler-unset'; entry: string; candidates: string[] }
  /** The machine refused a file operation (permissions, a full disk); `message` names the path. */
  | { reason: 'io-error'; message: string; hint: string }
  | { reason: 'aborted' }
  /** A bug in juni: the stack goes to the user so they can report it. */
  | { reason: 'unexpected-error'; message: string; stack: string | undefined };
