// Drives `juni build --watch --json`: each build is one JSON line on stdout; tests wait for the
// report they expect (with a deadline), never for a fixed time.
import { spawn, type ChildProcess } from 'node:child_process';
import type { JsonReport } from './juni.js';
import { testEnv } from './juni.js';
import { JUNI } from './paths.js';

export class WatchRun {
  readonly reports: JsonReport[] = [];
  stderr = '';
  readonly #child: ChildProcess;
  readonly #waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    this.#child = spawn(process.execPath, [JUNI, 'build', '--watch', '--json', ...args], { cwd, env: testEnv(env) });
    let buffer = '';
    this.#child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) this.reports.push(JSON.parse(line) as JsonReport);
      this.#notify();
    });
    this.#child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
      this.#notify();
    });
    this.exited = new Promise((resolve) =>
      this.#child.on('close', (code) => {
        this.#notify();
        resolve(code);
      }),
    );
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves when `check` holds (re-checked on every output), or fails after `ms`. */
  async until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}\nstderr:\n${this.stderr}\nreports: ${JSON.stringify(this.reports.map((r) => r.summary))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for build number `n` (1-based) and returns its report. */
  async build(n: number): Promise<JsonReport> {
    await this.until(`build ${n}`, () => this.reports.length >= n);
    return this.reports[n - 1]!;
  }

  /** Ctrl-C; resolves with the exit code. Safe to call more than once. */
  async stop(): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGINT');
    return this.exited;
  }
}
