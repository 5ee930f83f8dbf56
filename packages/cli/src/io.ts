// Owns the process's streams as the commands see them, so commands stay testable and never
// call process.exit. Leaves the real process to bin.ts.

export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** A terminal a person watches (a TTY, not CI): live progress makes sense. */
  interactive: boolean;
}
