// Owns the typed reasons a node can fail: data (paths, names, counts), never sentences with CLI
// flags. Leaves detecting them to the executors and runners, and wording them to the CLI.

/** Why a layer or function breaks one of Lambda's limits (the zip would not deploy). */
export type LambdaLimit =
  /** The zip would need ZIP64: more than 65,535 entries, or over 4 GiB. */
  | { limit: 'zip64'; entries: number; overFourGiB: boolean }
  /** More layers than Lambda allows on one function. */
  | { limit: 'layers'; layers: number; allowed: number }
  /** The function with its layers unzips to more than Lambda allows. */
  | { limit: 'unzipped'; bytes: number; allowed: number; contributors: { name: string; bytes: number }[] };

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
  | ({ reason: 'lambda-limit'; entry: string } & LambdaLimit)
  /** The machine refused a file operation (permissions, a full disk); `message` names the path. */
  | { reason: 'io-error'; message: string; hint: string }
  | { reason: 'aborted' }
  /** A bug in juni: the stack goes to the user so they can report it. */
  | { reason: 'unexpected-error'; message: string; stack: string | undefined };
