// Owns `juni build` and `juni check` (a build into the cache, with every handler checked): load
// the manifest, run one build (or hand over to --watch or --dry-run), and turn the outcome into an
// exit code (0 built, 1 a node failed, 2 bad usage or manifest).
// Leaves building to @juni/core, loading to load.ts and repeating builds to watch.ts.
import { ownOutputFiles } from '@juni/core';
import type { BuildArgs, CheckArgs } from '../args.js';
import type { Io } from '../io.js';
import { buildOnce, signalExitCode, untilStopped } from './build-once.js';
import { dockerFor, environmentIsUsable, loadForBuild, prepareFailureExitCode, usageError } from './load.js';

export async function buildCommand(args: BuildArgs | CheckArgs, io: Io): Promise<number> {
  if (args.watch && args.dryRun)
    return usageError(
      args,
      io,
      '--watch and --dry-run do not go together',
      'use one of them: --dry-run says what a build would do once',
    );
  if (!environmentIsUsable(args, io)) return 2;
  if (args.watch && args.command === 'build') return (await import('./watch.js')).watchCommand(args, io);
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  if (args.dryRun && args.command === 'build')
    return (await import('./dry-run.js')).dryRunCommand(args, loaded.manifest, io);
  const docker = await dockerFor(loaded.manifest, { checks: args.check });
  const { value: outcome, stoppedBy } = await untilStopped(docker, (signal) =>
    buildOnce(args, loaded.manifest, io, { signal, docker, ownOutput: ownOutputFiles() }),
  );
  if (stoppedBy) return signalExitCode(stoppedBy);
  if (!outcome.ok && outcome.reason !== 'build-failed') return prepareFailureExitCode(outcome);
  return outcome.ok ? 0 : 1;
}
