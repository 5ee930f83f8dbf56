// Owns the process: real streams, the exit code, and the last-resort handler for bugs.
// Leaves everything else to main.ts.
import { main } from './main.js';

const line = (stream: NodeJS.WriteStream) => (text: string): void => void stream.write(`${text}\n`);

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: line(process.stdout),
  stderr: line(process.stderr),
  interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`juni: internal error (a bug in juni, please report it)\n${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
