// Owns dispatching a command line to its command and mapping outcomes to exit codes.
// Leaves each command's work to commands/.
import { TOOL_VERSION } from '@juni/core';
import { HELP, parseCommandLine } from './args.js';
import { buildCommand } from './commands/build.js';
import { cacheCommand, cleanCommand } from './commands/cache.js';
import { whyCommand } from './commands/dry-run.js';
import { graphCommand } from './commands/graph.js';
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
      io.stderr(`juni: ${args.message}\n\n${HELP}`);
      return 2;
    case 'build':
      return buildCommand(args, io);
    case 'why':
      return whyCommand(args, io);
    case 'graph':
      return graphCommand(args, io);
    case 'clean':
      return cleanCommand(args, io);
    case 'cache':
      return cacheCommand(args, io);
  }
}
