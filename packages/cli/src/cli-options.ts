// Owns juni's option table, each command's usage line, and saying what is wrong with an option a
// command line gives (unknown, missing its value, given a value it does not take).
// Leaves turning valid options into a typed command to args.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '@juni/core';

export const OPTIONS = {
  manifest: { type: 'string', short: 'm' },
  function: { type: 'string', short: 'f' },
  'skip-clean': { type: 'boolean' },
  executor: { type: 'string' },
  concurrency: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  watch: { type: 'boolean', short: 'w' },
  'dry-run': { type: 'boolean' },
  check: { type: 'boolean' },
  event: { type: 'string' },
  'remote-cache': { type: 'string' },
  shard: { type: 'string' },
  format: { type: 'string' },
  'max-size': { type: 'string' },
  'older-than': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;

/** A value each string option could take, for hints. */
const EXAMPLES: Record<OptionName, string | undefined> = {
  manifest: 'manifest.yml',
  function: 'api',
  executor: 'local',
  concurrency: '4',
  'remote-cache': 'read',
  shard: '1/2',
  format: 'dot',
  'max-size': '2GB',
  'older-than': '30',
  event: 'event.json',
  check: undefined,
  'skip-clean': undefined,
  force: undefined,
  json: undefined,
  verbose: undefined,
  watch: undefined,
  'dry-run': undefined,
  help: undefined,
  version: undefined,
};

const COMMON = '[-m FILE] [-f NAME] [--executor local|docker] [--json]';

/** One line per command: what a usage error shows instead of the whole help. */
const USAGE: Record<string, string> = {
  build:
    `juni build ${COMMON} [--skip-clean] [--concurrency N] [--force] [--dry-run] [-w] [-v]\n` +
    '                  [--remote-cache off|read|readwrite] [--shard I/N]',
  check: 'juni check [-m FILE] [-f NAME] [--executor local|docker] [--json] [--force] [--concurrency N] [-v]',
  invoke: 'juni invoke NAME [--event FILE|-] [-m FILE] [--executor local|docker] [--force] [-v]',
  why: 'juni why NAME [-m FILE] [--executor local|docker] [--json] [--force]',
  graph: `juni graph [--format text|dot|json] ${COMMON}`,
  clean: 'juni clean [-m FILE] [--json]',
  cache: 'juni cache stats | juni cache prune [--max-size SIZE] [--older-than DAYS]',
};
/**
 * The options each command reads (besides --help and --version). Any other is refused: a flag a
 * command ignores would do something else than asked (`juni clean --dry-run` would clean).
 */
const BUILD_ONLY: readonly OptionName[] = [
  'skip-clean',
  'concurrency',
  'verbose',
  'watch',
  'dry-run',
  'remote-cache',
  'shard',
];
const SHARED: readonly OptionName[] = ['manifest', 'function', 'executor', 'json'];
const APPLIES: Record<string, ReadonlySet<OptionName>> = {
  build: new Set([...SHARED, 'force', 'check', ...BUILD_ONLY]),
  check: new Set([...SHARED, 'force', 'concurrency', 'verbose', 'remote-cache']),
  // Its NAME selects; stdout is the handler's result, so there is no --json.
  invoke: new Set(['manifest', 'executor', 'force', 'concurrency', 'verbose', 'remote-cache', 'event']),
  // The NAME argument selects: -f would be a second, ignored filter.
  why: new Set([...SHARED.filter((o) => o !== 'function'), 'force']),
  graph: new Set([...SHARED, 'format']),
  clean: new Set(['manifest', 'json']),
  cache: new Set(['manifest', 'json', 'max-size', 'older-than']),
};

/** The first option given that `command` does not read; undefined for an unknown command. */
export function strayOption(command: string, given: Readonly<Record<string, unknown>>): string | undefined {
  const applies = APPLIES[command];
  if (!applies) return undefined;
  return Object.keys(given).find(
    (k) => given[k] !== undefined && k !== 'help' && k !== 'version' && !applies.has(k as OptionName),
  );
}

const ANY_COMMAND = 'juni build|check|invoke|why|graph|clean|cache [options]';

/** The usage line of `command`, or of juni as a whole for an unknown or missing one. */
export function usageOf(command: string | undefined): string {
  return (command !== undefined ? USAGE[command] : undefined) ?? ANY_COMMAND;
}

/**
 * What is wrong with the options of a command line that node's strict parser refused, read again
 * leniently: the first unknown option (with a did-you-mean), missing value or unwanted value.
 */
export function optionProblem(argv: readonly string[]): { message: string; hint: string; command?: string } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const command = tokens.find((t) => t.kind === 'positional')?.value;
  const at = command ? ` for juni ${command}` : '';
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const raw = token.rawName;
    const spec = (OPTIONS as Record<string, { type: 'string' | 'boolean' } | undefined>)[token.name];
    if (!spec) {
      const long = raw.startsWith('--') ? didYouMean(token.name, Object.keys(OPTIONS)) : undefined;
      return {
        message: `unknown option '${raw}'${at}`,
        hint: long ? `did you mean '--${long}'?` : 'juni --help lists every option',
        command,
      };
    }
    const example = EXAMPLES[token.name as OptionName];
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      return {
        message: `option '${raw}' needs a value`,
        hint: `for example: ${raw} ${example ?? 'VALUE'} (a value starting with a dash goes after '=': --${token.name}=-x)`,
        command,
      };
    }
    if (spec.type === 'boolean' && token.inlineValue) {
      return {
        message: `option '${raw}' takes no value, not '${token.value ?? ''}'`,
        hint: `write ${raw} alone`,
        command,
      };
    }
  }
  return { message: 'the options cannot be read', hint: 'juni --help lists every option', command };
}
