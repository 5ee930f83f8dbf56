// Owns one build of an already loaded manifest with its renderer, shared by `juni build` and watch
// mode, and the exit code of a build stopped by a signal. Leaves loading to load.ts.
import type { DockerSupportHandle } from '@juni/docker';
import { runBuild, type BuildOutcome, type Manifest, type OwnOutput, type PlanChecks } from '@juni/core';
import type { BuildArgs, CheckArgs, InvokeArgs } from '../args.js';
import type { Io } from '../io.js';
import { reportJson } from '../render/json.js';
import { PlainRenderer } from '../render/plain.js';
import type { Renderer } from '../render/renderer.js';
import { reportPrepareFailure } from './load.js';

/** Plain lines for pipes, CI, JSON and watch; the live task list (listr2, loaded lazily) on a terminal. */
export async function rendererFor(args: Pick<BuildArgs, 'json' | 'verbose' | 'watch'>, io: Io): Promise<Renderer> {
  if (args.json || args.watch || !io.interactive)
    return new PlainRenderer({ write: args.json ? io.stderr : io.stdout, verbose: args.verbose });
  const { TtyRenderer } = await import('../render/tty.js');
  return new TtyRenderer({ write: io.stdout, verbose: args.verbose });
}

/** One build of an already loaded manifest. */
export async function buildOnce(
  args: BuildArgs | CheckArgs | InvokeArgs,
  manifest: Manifest,
  io: Io,
  options: {
    signal: AbortSignal;
    docker: DockerSupportHandle | undefined;
    ownOutput: readonly OwnOutput[];
    /** `juni invoke`: its own renderer (progress on stderr, the function's output as it is). */
    renderer?: Renderer;
    /** `juni invoke`: the one function to call, and the event. */
    checks?: PlanChecks;
  },
): Promise<BuildOutcome> {
  const renderer = options.renderer ?? (await rendererFor(args, io));
  const checks = options.checks ?? (args.check ? { mode: 'check' as const } : undefined);
  const outcome = await runBuild({
    manifest,
    filter: args.filter,
    concurrency: args.concurrency,
    force: args.force,
    skipClean: args.skipClean,
    remoteCache: args.remoteCache,
    shard: args.shard,
    signal: options.signal,
    onEvent: (e) => renderer.onEvent(e),
    docker: options.docker,
    ownOutput: options.ownOutput,
    checks,
    // `juni check` and `juni invoke` build into the cache only: the output folder is `juni build`'s.
    placeZips: args.command === 'build',
  });
  if (!outcome.ok && outcome.reason !== 'build-failed') {
    reportPrepareFailure(args, io, outcome);
    return outcome;
  }
  await renderer.finish(outcome.report);
  if (args.json && args.command !== 'invoke') io.stdout(reportJson(outcome.report, { compact: args.watch }));
  return outcome;
}

/** The shell's convention for a process ended by a signal: 130 for Ctrl-C, 143 for SIGTERM (CI cancelling a job). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * Runs `work` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts, removing every container at
 * once then and after `work` in any case; says which signal stopped it, if one did.
 */
export async function untilStopped<T>(
  docker: DockerSupportHandle | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T; stoppedBy: NodeJS.Signals | undefined }> {
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    stoppedBy = signal;
    abort.abort();
    void docker?.removeAllContainers();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const value = await work(abort.signal);
    return { value, stoppedBy };
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await docker?.removeAllContainers();
  }
}
