// Owns the typed reasons a node can fail; the CLI turns them into messages and exit codes.
// Leaves detecting them to the executors and the node runners.

export type NodeFailure =
  | { reason: 'pip-failed'; exitCode: number | null; signal: string | null; logTail: string[] }
  | { reason: 'python-missing' | 'pip-missing'; message: string; hint: string }
  | { reason: 'executor-unavailable'; executor: string; message: string; hint: string }
  | { reason: 'input-changed'; path: string; message: string }
  | { reason: 'docker-unreachable'; message: string; hint: string }
  | { reason: 'image-unavailable'; ref: string; message: string; hint: string }
  | { reason: 'image-build-failed'; message: string; logTail: string[] }
  | { reason: 'container-failed'; message: string }
  | { reason: 'lambda-limit'; message: string; contributors: { name: string; bytes: number }[] }
  | { reason: 'io-error'; message: string; hint: string }
  | { reason: 'aborted' }
  | { reason: 'unexpected-error'; message: string; stack: string | undefined };

/** One line describing a failure, for summaries. */
export function describeFailure(failure: NodeFailure): string {
  switch (failure.reason) {
    case 'pip-failed':
      return failure.signal
        ? `pip was stopped by ${failure.signal}`
        : `pip exited with code ${failure.exitCode ?? '?'}`;
    case 'python-missing':
    case 'pip-missing':
    case 'executor-unavailable':
    case 'input-changed':
    case 'unexpected-error':
    case 'docker-unreachable':
    case 'image-unavailable':
    case 'image-build-failed':
    case 'container-failed':
    case 'lambda-limit':
    case 'io-error':
      return failure.message;
    case 'aborted':
      return 'the build was interrupted';
  }
}
