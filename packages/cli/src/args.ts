// Owns parsing the command line into a typed command, with usage errors as data.
// Leaves running commands to commands/.
import { parseArgs } from 'node:util';

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
}

export type ParsedArgs =
  | BuildArgs
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'usage-error'; message: string };

export const HELP = `juni: package AWS Lambda functions and layers, incrementally and reproducibly

Usage:
  juni build [options]     build every function and layer of the manifest into <output>/<name>.zip
  juni --help | --version

Build options:
  -m, --manifest FILE      the manifest (default: manifest.yml, then manifest.yaml)
  -f, --function NAME      only entries whose name contains NAME, with what they depend on
      --skip-clean         keep other files in the output folder
      --executor KIND      local (pip on this machine) or docker, for every entry
      --concurrency N      nodes run at once (default: the number of cores)
      --force              ignore the cache and rebuild everything
      --json               print one JSON report on stdout (progress goes to stderr)
  -v, --verbose            stream pip's output

Exit codes: 0 built, 1 a build failed, 2 bad usage or a bad manifest.
Docs: README.md and docs/ in the juni repository.`;

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        manifest: { type: 'string', short: 'm' },
        function: { type: 'string', short: 'f' },
        'skip-clean': { type: 'boolean' },
        executor: { type: 'string' },
        concurrency: { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    return { command: 'usage-error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'build') return { command: 'usage-error', message: `unknown command '${command}'; try 'juni build'` };
  if (rest.length > 0) return { command: 'usage-error', message: `unexpected argument '${rest[0] ?? ''}'` };
  const executor = values.executor;
  if (executor !== undefined && executor !== 'local' && executor !== 'docker') {
    return { command: 'usage-error', message: `--executor must be local or docker, not '${executor}'` };
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) return { command: 'usage-error', message: `--concurrency must be a whole number of at least 1, not '${values.concurrency}'` };
  }
  return {
    command: 'build',
    manifest: values.manifest,
    filter: values.function,
    skipClean: values['skip-clean'] ?? false,
    executor,
    concurrency,
    force: values.force ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}
