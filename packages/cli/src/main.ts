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
      io.stderr(`juni: ${args.message}\n\n${HELP}`);
      return 2;
    case 'build':
      return buildCommand(args, io);
  }
}
