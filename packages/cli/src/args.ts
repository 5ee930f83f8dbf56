// Owns parsing the command line into a typed command, with usage errors as data.
// Leaves running commands to commands/.
import { parseArgs } from 'node:util';
import { parseShard, parseSize, type RemoteMode, type Shard } from '@juni/core';
import { optionProblem, OPTIONS, strayOption, usageOf } from './cli-options.js';

export interface BuildArgs {
  command: 'build';
  manifest: string | undefined;
  filter: string | undefined;
  skipClean: boolean;
  executor: 'local' | 'docker' | undefined;
  concurrency: number | undefined;
  force: boolean;
  json: boolean;
  verbose: boolean;
  watch: boolean;
  dryRun: boolean;
  remoteCache: RemoteMode | undefined;
  shard: Shard | undefined;
  /** `--check`: check every built function's handler in its runtime image. */
  check: boolean;
}

/** `juni check`: build what is out of date into the cache (not the output folder), check each handler. */
export interface CheckArgs extends Omit<BuildArgs, 'command'> {
  command: 'check';
}

/** `juni invoke NAME`: build NAME (into the cache) and call its handler once with the event. */
export interface InvokeArgs extends Omit<BuildArgs, 'command'> {
  command: 'invoke';
  name: string;
  /** A file with the event's JSON, `-` for stdin; absent: `{}`. */
  event: string | undefined;
}

export interface WhyArgs extends Omit<BuildArgs, 'command'> {
  command: 'why';
  name: string;
}

export interface GraphArgs extends Omit<BuildArgs, 'command'> {
  command: 'graph';
  format: 'text' | 'dot' | 'json';
}

export interface CleanArgs extends Omit<BuildArgs, 'command'> {
  command: 'clean';
}

export interface CacheArgs extends Omit<BuildArgs, 'command'> {
  command: 'cache';
  action: 'stats' | 'prune';
  maxSize: number | undefined;
  olderThanDays: number | undefined;
}

export type ParsedArgs =
  | BuildArgs
  | WhyArgs
  | GraphArgs
  | CleanArgs
  | CacheArgs
  | CheckArgs
  | InvokeArgs
  | { command: 'help' }
  | { command: 'version' }
  /** What is wrong, what to do about it, and the command's usage line (not the whole help). */
  | { command: 'usage-error'; message: string; hint: string; usage: string };

export const HELP = `juni: package AWS Lambda functions and layers, incrementally and reproducibly

Usage:
  juni build [options]       build every function and layer into <output>/<name>.zip
  juni check [options]       build into the cache, then import each function's handler
                             in a Lambda-like container (the output folder is not touched)
  juni invoke NAME [--event FILE|-]   run NAME's handler once with the event; prints its result
  juni why NAME [options]    why NAME (a function or layer) would rebuild, or last rebuilt
  juni graph [--format text|dot|json]   the build graph: images, installs, layers, functions
  juni clean [options]       remove the output folder's zips and the cache
  juni cache stats           what the cache holds
  juni cache prune [--max-size SIZE] [--older-than DAYS]   evict least recently used results
  juni --help | --version

Options:
  -m, --manifest FILE      the manifest (default: manifest.yml, then manifest.yaml)
  -f, --function NAME      only entries whose name contains NAME, with what they depend on
      --skip-clean         keep other files in the output folder
      --executor KIND      local (pip on this machine) or docker, for every entry
      --concurrency N      nodes run at once (default: the number of cores)
      --force              ignore the cache and rebuild everything
      --json               print one JSON report on stdout (progress goes to stderr);
                           with --watch, one JSON line per build
  -w, --watch              build, then rebuild what each saved change touches
      --dry-run            say what would rebuild and why, build nothing
      --check              then import each built function's handler (as juni check does)
      --event FILE         juni invoke's event: a JSON file, or - for stdin (default {})
  -v, --verbose            stream pip's and Docker's output
      --remote-cache MODE  off, read or readwrite (default readwrite when
                           JUNI_REMOTE_CACHE_URL or TURBO_API is set)
      --shard I/N          build job I's share of N (CI matrices; every node is built by one job)

Exit codes: 0 built, 1 a build failed, 2 bad usage or a bad manifest.
Environment: JUNI_CACHE_DIR (cache folder), JUNI_CACHE_MAX_SIZE (default 5GB),
  JUNI_REMOTE_CACHE_URL/_TOKEN/_TEAM/_SIGNATURE_KEY (or TURBO_API/_TOKEN/_TEAM),
  JUNI_DEFAULT_IMAGE, JUNI_RUNTIME_IMAGE, JUNI_PULL=never, DOCKER_HOST, SOURCE_DATE_EPOCH, NO_COLOR.
Docs: README.md and docs/ in the juni repository.`;

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch {
    const problem = optionProblem(argv);
    return { command: 'usage-error', message: problem.message, hint: problem.hint, usage: usageOf(problem.command) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  const usage = (message: string, hint: string): ParsedArgs => ({
    command: 'usage-error',
    message,
    hint,
    usage: usageOf(command),
  });

  const executor = values.executor;
  if (executor !== undefined && executor !== 'local' && executor !== 'docker') {
    return usage(`--executor must be local or docker, not '${executor}'`, '--executor local runs pip on this machine');
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      return usage(
        `--concurrency must be a whole number of at least 1, not '${values.concurrency}'`,
        'for example: --concurrency 4 (the default is the number of cores)',
      );
  }
  const remote = values['remote-cache'];
  if (remote !== undefined && remote !== 'off' && remote !== 'read' && remote !== 'readwrite') {
    return usage(
      `--remote-cache must be off, read or readwrite, not '${remote}'`,
      'read fetches results without uploading any',
    );
  }
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && shard === undefined)
    return usage(
      `--shard must look like 2/3 (this job's number, 1-based, / the number of jobs), not '${values.shard}'`,
      'in a CI matrix of 3 jobs, pass --shard 1/3, --shard 2/3 and --shard 3/3',
    );
  const common: Omit<BuildArgs, 'command'> = {
    remoteCache: remote,
    shard,
    manifest: values.manifest,
    filter: values.function,
    skipClean: values['skip-clean'] ?? false,
    executor,
    concurrency,
    force: values.force ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    watch: values.watch ?? false,
    dryRun: values['dry-run'] ?? false,
    check: values.check ?? false,
  };
  const extra = (n: number): ParsedArgs | undefined =>
    rest.length > n
      ? usage(`unexpected argument '${rest[n] ?? ''}'`, 'options start with - or --; see the usage line below')
      : undefined;

  const stray = strayOption(command, values);
  if (stray !== undefined)
    return usage(`option '--${stray}' does not apply to juni ${command}`, 'see the usage line below');

  switch (command) {
    case 'build':
      return extra(0) ?? { command: 'build', ...common };
    case 'why': {
      const name = rest[0];
      if (name === undefined)
        return usage('juni why needs the name of a function or layer', 'for example: juni why api');
      return extra(1) ?? { command: 'why', ...common, name };
    }
    case 'graph': {
      const format = values.format ?? 'text';
      if (format !== 'text' && format !== 'dot' && format !== 'json')
        return usage(
          `--format must be text, dot or json, not '${format}'`,
          'dot is for Graphviz: juni graph --format dot',
        );
      return extra(0) ?? { command: 'graph', ...common, format };
    }
    case 'clean':
      return extra(0) ?? { command: 'clean', ...common };
    case 'check':
      return extra(0) ?? { command: 'check', ...common, check: true };
    case 'invoke': {
      const name = rest[0];
      if (name === undefined)
        return usage('juni invoke needs the name of a function', 'for example: juni invoke api --event event.json');
      return extra(1) ?? { command: 'invoke', ...common, name, event: values.event };
    }
    case 'cache': {
      const action = rest[0];
      if (action !== 'stats' && action !== 'prune')
        return usage("juni cache needs 'stats' or 'prune'", 'juni cache stats shows what the cache holds');
      const maxSize = values['max-size'] === undefined ? undefined : parseSize(values['max-size']);
      if (values['max-size'] !== undefined && maxSize === undefined)
        return usage(`--max-size must be a size like 500MB or 2GB, not '${values['max-size']}'`, 'units: KB, MB, GB');
      const olderThan = values['older-than'];
      // Number('') is 0: an unset shell variable must not mean "evict everything".
      const olderThanDays =
        olderThan === undefined ? undefined : /^\d+(\.\d+)?$/.test(olderThan) ? Number(olderThan) : NaN;
      if (olderThanDays !== undefined && !(olderThanDays >= 0))
        return usage(`--older-than must be a number of days, not '${olderThan}'`, 'for example: --older-than 30');
      return extra(1) ?? { command: 'cache', ...common, action, maxSize, olderThanDays };
    }
    default:
      return usage(
        `unknown command '${command}'; see juni --help`,
        `the commands are build, check, invoke, why, graph, clean and cache`,
      );
  }
}
