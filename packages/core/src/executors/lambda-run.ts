// Owns the contract for running a function's handler where Lambda would: what core asks (the
// zips, the handler, the limits, an optional event) and what comes back. Leaves the engine to
// packages/docker (lambda-run.ts) and deciding when to run to run/run-check.ts.
import type { Architecture } from '../manifest/types.js';
import type { NodeFailure } from '../report/failures.js';

/**
 * The version of juni's runner (packages/docker lambda-runner.ts) and of how it sets up the
 * container: it is in every check's key, so a change to either checks every handler again.
 */
export const LAMBDA_RUNNER_VERSION = 2;

/** Lambda's reserved folder for the function's code; the zip is unpacked here. */
export const TASK_ROOT = '/var/task';

export interface LambdaRunRequest {
  /** The runtime image, by ID (core resolved it). */
  imageId: string;
  /** How messages name the runtime image: the reference the user wrote, or the default. */
  imageRef: string;
  functionName: string;
  /** `module.function` as Lambda's Python runtime reads it: dots (or slashes) between packages. */
  handler: string;
  /** Absolute path of the function's zip, unpacked at /var/task. */
  zip: string;
  /**
   * Absolute paths of the zips of the layers the function lists, in its order, unpacked at /opt:
   * a later layer's file replaces an earlier one's, as on Lambda.
   */
  layers: string[];
  /** The Python the zips target ("3.12"): a runtime image running another is refused. Unset: any. */
  python: string | undefined;
  /** The container runs on this platform (linux/amd64, linux/arm64); unset: the engine's own. */
  architecture: Architecture | undefined;
  /** The container's memory limit (no swap), as Lambda's memory size. */
  memoryMb: number;
  /** The handler's time limit (invoke); importing has Lambda's init limit as well. */
  timeoutSeconds: number;
  /** The function's own variables (`environment:`), set over nothing Lambda reserves. */
  environment: Record<string, string>;
  /** Present: invoke the handler once with this event (JSON text). Absent: import and find it only. */
  event?: string | undefined;
}

export type LambdaRunOutcome =
  | {
      ok: true;
      /** The runtime's Python, "3.12.7". */
      python: string;
      /** How long the import took inside the container. */
      initMs: number;
      /** For an invoke: the handler's return value as JSON text, and how long it ran. */
      result?: string;
      invokeMs?: number;
    }
  | { ok: false; failure: NodeFailure };
