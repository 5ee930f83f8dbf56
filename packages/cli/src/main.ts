// Owns dispatching a command line to its command and mapping outcomes to exit codes.
// Leaves each command's work to commands/.
import { TOOL_VERSION } from '@juni/core';
import { HELP, parseCommandLine } from './args.js';
import { buildCommand } from './commands/build.js';
import type { Io } from './io.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv);
  switch (args.command) {
    case 'help':
      io.stdout(HELP);
      return 0;
    case 'version':
      io.stdout(TOOL_VERSION);
      return 0;
    case 'usage-error':
      // The command's usage line, not the whole help: the problem stays on screen.
      io.stderr(
        `juni: ${args.message}\n  hint: ${args.hint}\nusage: ${args.usage}\n  (juni --help describes every option)`,
      );
      return 2;
    case 'build':
      return buildCommand(args, io);
    case 'check':
      return buildCommand(args, io);
    case 'invoke':
      return (await import('./commands/invoke.js')).invokeCommand(args, io);
    // Each command loads only what it needs: start-up time is most of a no-op build.
    case 'why':
      return (await import('./commands/why.js')).whyCommand(args, io);
    case 'graph':
      return (await import('./commands/graph.js')).graphCommand(args, io);
    case 'clean':
      return (await import('./commands/cache.js')).cleanCommand(args, io);
    case 'cache':
      return (await import('./commands/cache.js')).cacheCommand(args, io);
  }
}
