// Owns splitting a byte stream into text lines for log events.
// Leaves what to do with each line to the caller.

export class LineSplitter {
  #rest = '';
  readonly #onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer): void {
    const lines = (this.#rest + chunk.toString('utf8')).split(/\r?\n/);
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.#onLine(line);
  }

  end(): void {
    if (this.#rest) this.#onLine(this.#rest);
    this.#rest = '';
  }
}
