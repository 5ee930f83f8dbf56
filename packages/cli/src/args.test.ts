import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine, type BuildArgs, type ParsedArgs } from './args.js';

const DEFAULTS: Omit<BuildArgs, 'command'> = {
  manifest: undefined,
  filter: undefined,
  skipClean: false,
  executor: undefined,
  concurrency: undefined,
  force: false,
  json: false,
  verbose: false,
  watch: false,
  dryRun: false,
  remoteCache: undefined,
  shard: undefined,
  check: false,
};

/** The message of a usage error; fails the test for any other result. */
function usageError(result: ParsedArgs): string {
  assert.equal(result.command, 'usage-error', `expected a usage error, got ${JSON.stringify(result)}`);
  return result.command === 'usage-error' ? result.message : '';
}

test('no arguments, --help and -h give help; --version and -V give version, whatever else is there', () => {
  assert.deepEqual(parseCommandLine([]), { command: 'help' });
  assert.deepEqual(parseCommandLine(['--help']), { command: 'help' });
  assert.deepEqual(parseCommandLine(['build', '-h']), { command: 'help' });
  assert.deepEqual(parseCommandLine(['nonsense', '--help']), { command: 'help' });
  assert.deepEqual(parseCommandLine(['--version']), { command: 'version' });
  assert.deepEqual(parseCommandLine(['-V', 'build']), { command: 'version' });
});

test('build without flags has every default', () => {
  assert.deepEqual(parseCommandLine(['build']), { command: 'build', ...DEFAULTS });
});

test('build reads every long flag', () => {
  const parsed = parseCommandLine([
    'build',
    '--manifest',
    'infra/manifest.yml',
    '--function',
    'api',
    '--skip-clean',
    '--executor',
    'local',
    '--concurrency',
    '3',
    '--force',
    '--json',
    '--verbose',
    '--watch',
    '--dry-run',
    '--check',
    '--remote-cache',
    'read',
    '--shard',
    '2/3',
  ]);
  assert.deepEqual(parsed, {
    command: 'build',
    manifest: 'infra/manifest.yml',
    filter: 'api',
    skipClean: true,
    executor: 'local',
    concurrency: 3,
    force: true,
    json: true,
    verbose: true,
    watch: true,
    dryRun: true,
    check: true,
    remoteCache: 'read',
    shard: { index: 2, count: 3 },
  });
});

test('build reads the short flags -m, -f, -v and -w, and --flag=value', () => {
  const parsed = parseCommandLine(['build', '-m', 'm.yml', '-f', 'worker', '-v', '-w', '--executor=docker']);
  assert.deepEqual(parsed, {
    command: 'build',
    ...DEFAULTS,
    manifest: 'm.yml',
    filter: 'worker',
    verbose: true,
    watch: true,
    executor: 'docker',
  });
});

test('--executor accepts only local or docker', () => {
  assert.equal(
    usageError(parseCommandLine(['build', '--executor', 'podman'])),
    "--executor must be local or docker, not 'podman'",
  );
  assert.match(usageError(parseCommandLine(['build', '--executor', 'Local'])), /not 'Local'/);
});

test('--concurrency must be a whole number of at least 1', () => {
  for (const bad of ['0', '-2', '1.5', 'many', '']) {
    assert.equal(
      usageError(parseCommandLine(['build', `--concurrency=${bad}`])),
      `--concurrency must be a whole number of at least 1, not '${bad}'`,
    );
  }
  const one = parseCommandLine(['build', '--concurrency', '1']);
  assert.equal(one.command === 'build' ? one.concurrency : undefined, 1);
});

test('--remote-cache accepts off, read and readwrite only', () => {
  for (const mode of ['off', 'read', 'readwrite'] as const) {
    const parsed = parseCommandLine(['build', '--remote-cache', mode]);
    assert.equal(parsed.command === 'build' ? parsed.remoteCache : undefined, mode);
  }
  assert.equal(
    usageError(parseCommandLine(['build', '--remote-cache', 'write'])),
    "--remote-cache must be off, read or readwrite, not 'write'",
  );
});

test('--shard takes I/N with 1 <= I <= N', () => {
  const parsed = parseCommandLine(['build', '--shard', '3/3']);
  assert.deepEqual(parsed.command === 'build' ? parsed.shard : undefined, { index: 3, count: 3 });
  for (const bad of ['0/3', '4/3', '2', '1/0', 'a/b', '1/2/3']) {
    assert.equal(
      usageError(parseCommandLine(['build', '--shard', bad])),
      `--shard must look like 2/3 (this job's number, 1-based, / the number of jobs), not '${bad}'`,
    );
  }
});

test('unknown flags, missing values and values given to boolean flags name the option and give a hint', () => {
  const usage = (argv: string[]) => {
    const parsed = parseCommandLine(argv);
    assert.equal(parsed.command, 'usage-error');
    return parsed.command === 'usage-error' ? [parsed.message, parsed.hint] : [];
  };
  assert.deepEqual(usage(['build', '--bogus']), [
    "unknown option '--bogus' for juni build",
    'juni --help lists every option',
  ]);
  assert.deepEqual(usage(['build', '--froce']), ["unknown option '--froce' for juni build", "did you mean '--force'?"]);
  assert.deepEqual(usage(['graph', '--fromat=dot']), [
    "unknown option '--fromat' for juni graph",
    "did you mean '--format'?",
  ]);
  assert.deepEqual(usage(['-x']), ["unknown option '-x'", 'juni --help lists every option']);
  assert.equal(usage(['build', '-m'])[0], "option '-m' needs a value");
  assert.match(usage(['build', '-m'])[1] ?? '', /^for example: -m manifest\.yml/);
  assert.equal(usage(['build', '--shard'])[0], "option '--shard' needs a value");
  // `-m --json` would take --json as the manifest: a forgotten value, not a file named --json.
  assert.equal(usage(['build', '-m', '--json'])[0], "option '-m' needs a value");
  assert.deepEqual(usage(['build', '--json=yes']), ["option '--json' takes no value, not 'yes'", 'write --json alone']);
});

test("a usage error carries its command's usage line, not the whole help", () => {
  const usageLine = (argv: string[]) => {
    const parsed = parseCommandLine(argv);
    return parsed.command === 'usage-error' ? parsed.usage : '';
  };
  assert.match(usageLine(['build', '--bogus']), /^juni build \[-m FILE\]/);
  assert.match(usageLine(['cache', 'prune', '--max-size', 'x']), /^juni cache stats \| juni cache prune/);
  assert.match(usageLine(['why']), /^juni why NAME/);
  assert.equal(usageLine(['deploy']), 'juni build|check|invoke|why|graph|clean|cache [options]');
  assert.doesNotMatch(usageLine(['build', '--bogus']), /Exit codes/);
});

test('an unknown command, and extra arguments after a command, are usage errors', () => {
  assert.equal(usageError(parseCommandLine(['deploy'])), "unknown command 'deploy'; see juni --help");
  assert.equal(usageError(parseCommandLine(['build', 'api'])), "unexpected argument 'api'");
  assert.equal(usageError(parseCommandLine(['clean', 'now'])), "unexpected argument 'now'");
  assert.equal(usageError(parseCommandLine(['graph', 'x'])), "unexpected argument 'x'");
  // After `--`, a word that looks like a flag is still an argument.
  assert.equal(usageError(parseCommandLine(['build', '--', '--force'])), "unexpected argument '--force'");
});

test('why needs exactly one name and keeps the common flags', () => {
  assert.deepEqual(parseCommandLine(['why', 'api', '--force', '-m', 'x.yml']), {
    command: 'why',
    ...DEFAULTS,
    force: true,
    manifest: 'x.yml',
    name: 'api',
  });
  assert.equal(usageError(parseCommandLine(['why'])), 'juni why needs the name of a function or layer');
  assert.equal(usageError(parseCommandLine(['why', 'api', 'worker'])), "unexpected argument 'worker'");
});

test('graph defaults to the text format and accepts dot and json', () => {
  assert.deepEqual(parseCommandLine(['graph']), { command: 'graph', ...DEFAULTS, format: 'text' });
  for (const format of ['text', 'dot', 'json'] as const) {
    const parsed = parseCommandLine(['graph', '--format', format, '-f', 'api']);
    assert.deepEqual(parsed, { command: 'graph', ...DEFAULTS, filter: 'api', format });
  }
  assert.equal(
    usageError(parseCommandLine(['graph', '--format', 'svg'])),
    "--format must be text, dot or json, not 'svg'",
  );
});

test('clean takes the common flags and no argument', () => {
  assert.deepEqual(parseCommandLine(['clean', '-m', 'a/manifest.yml', '--json']), {
    command: 'clean',
    ...DEFAULTS,
    manifest: 'a/manifest.yml',
    json: true,
  });
});

test('cache needs stats or prune; prune reads --max-size as bytes and --older-than as days', () => {
  assert.deepEqual(parseCommandLine(['cache', 'stats']), {
    command: 'cache',
    ...DEFAULTS,
    action: 'stats',
    maxSize: undefined,
    olderThanDays: undefined,
  });
  assert.deepEqual(parseCommandLine(['cache', 'prune', '--max-size', '500MB', '--older-than', '7.5']), {
    command: 'cache',
    ...DEFAULTS,
    action: 'prune',
    maxSize: 500 * 1024 ** 2,
    olderThanDays: 7.5,
  });
  assert.equal(usageError(parseCommandLine(['cache'])), "juni cache needs 'stats' or 'prune'");
  assert.equal(usageError(parseCommandLine(['cache', 'list'])), "juni cache needs 'stats' or 'prune'");
  assert.equal(usageError(parseCommandLine(['cache', 'prune', 'all'])), "unexpected argument 'all'");
});

test('cache prune rejects a size it cannot read and a negative or non-numeric age', () => {
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--max-size', 'lots'])),
    "--max-size must be a size like 500MB or 2GB, not 'lots'",
  );
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--max-size', '2TB'])),
    "--max-size must be a size like 500MB or 2GB, not '2TB'",
  );
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--older-than=-1'])),
    "--older-than must be a number of days, not '-1'",
  );
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--older-than', 'week'])),
    "--older-than must be a number of days, not 'week'",
  );
});

test('a bad common flag is reported before the command is looked at', () => {
  // The flag checks run for every command, so `juni why` without a name still reports the flag first.
  assert.match(usageError(parseCommandLine(['why', '--executor', 'vm'])), /^--executor must be/);
  assert.match(usageError(parseCommandLine(['cache', 'stats', '--concurrency', '0'])), /^--concurrency must be/);
});

test('an empty --older-than (an unset shell variable) is a usage error, not "evict everything"', () => {
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--older-than='])),
    "--older-than must be a number of days, not ''",
  );
  assert.equal(
    usageError(parseCommandLine(['cache', 'prune', '--older-than', '0x10'])),
    "--older-than must be a number of days, not '0x10'",
  );
});

test('an option a command does not read is refused, not ignored (juni clean --dry-run must not clean)', () => {
  assert.equal(usageError(parseCommandLine(['clean', '--dry-run'])), "option '--dry-run' does not apply to juni clean");
  assert.equal(usageError(parseCommandLine(['graph', '--watch'])), "option '--watch' does not apply to juni graph");
  assert.equal(
    usageError(parseCommandLine(['build', '--format', 'dot'])),
    "option '--format' does not apply to juni build",
  );
  assert.equal(
    usageError(parseCommandLine(['cache', 'stats', '--force'])),
    "option '--force' does not apply to juni cache",
  );
  // What each command reads still parses.
  assert.equal(parseCommandLine(['clean', '-m', 'x.yml', '--json']).command, 'clean');
  assert.equal(parseCommandLine(['why', 'api', '--force', '-m', 'x.yml']).command, 'why');
});

test('check and invoke: check takes the build flags it reads; invoke needs a NAME and takes --event', () => {
  assert.deepEqual(parseCommandLine(['check', '-f', 'api']), {
    command: 'check',
    ...DEFAULTS,
    filter: 'api',
    check: true,
  });
  assert.deepEqual(parseCommandLine(['invoke', 'api', '--event', 'e.json']), {
    command: 'invoke',
    ...DEFAULTS,
    name: 'api',
    event: 'e.json',
  });
  assert.equal(usageError(parseCommandLine(['invoke'])), 'juni invoke needs the name of a function');
  assert.equal(usageError(parseCommandLine(['check', '--watch'])), "option '--watch' does not apply to juni check");
  assert.equal(
    usageError(parseCommandLine(['invoke', 'api', '--json'])),
    "option '--json' does not apply to juni invoke",
  );
  assert.equal(
    usageError(parseCommandLine(['build', '--event', 'e.json'])),
    "option '--event' does not apply to juni build",
  );
});
