// Owns the process: real streams, the exit code, and the last-resort handler for bugs.
// Leaves everything else to main.ts.
import { main } from './main.js';

const line =
  (stream: NodeJS.WriteStream) =>
  (text: string): void =>
    void stream.write(`${text}\n`);

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: line(process.stdout),
  stderr: line(process.stderr),
  // A live task list needs a real terminal: not CI, not TERM=dumb, and a width (a pty nobody sized,
  // as under `script` or `docker exec -t`, reports 0 columns and would get one character per line).
  interactive:
    Boolean(process.stdout.isTTY) &&
    !process.env.CI &&
    process.env.TERM !== 'dumb' &&
    (process.stdout.columns ?? 0) > 0,
}).then(
  (code) => {
    process.exitCode = code;
    exitEvenIfSomethingLingers(code);
  },
  (error: unknown) => {
    process.stderr.write(`juni: internal error (a bug in juni, please report it)\n${stackOf(error)}\n`);
    process.exitCode = 1;
  },
);

/**
 * The command is over, so the process should end on its own once its last handles close. If one
 * leaks (a socket, a watcher, a child that ignored its signal), a user's Ctrl-C or CI job must not
 * hang on it: say so and exit. The timer is unref'd, so it never delays a clean exit.
 */
function exitEvenIfSomethingLingers(code: number): void {
  setTimeout(() => {
    process.stderr.write(
      'juni: something was still running 3 s after the command finished (a bug in juni, please report it); exiting\n',
    );
    process.exit(code);
  }, 3_000).unref();
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
