// Counts the real pip installs of `executor: local` builds, not juni's statuses: a sitecustomize.py
// on PYTHONPATH runs inside every Python juni starts and appends one line per `python -m pip install
// --target` to a log. It can also edit files at that moment (while pip runs, after the plan hashed
// its inputs).
// Docker installs are counted from the engine's event log instead (EngineLog in docker.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Reads the command line from /proc, not sys.argv: Python 3.6 (which the pyenv test may pick) sets
 * sys.argv only after site has run, and a failing sitecustomize is only a warning on stderr.
 */
const HOOK = `
import json, os
with open('/proc/self/cmdline', 'rb') as f:
    argv = [a.decode('utf-8', 'replace') for a in f.read().split(b'\\0')[:-1]]
pip = [i for i in range(len(argv) - 2) if argv[i:i + 3] == ['-m', 'pip', 'install']]
if pip and '--target' in argv:
    with open(os.environ['JUNI_TEST_PIP_LOG'], 'a') as log:
        log.write(json.dumps(argv[pip[0] + 2:]) + '\\n')
    for file, text in json.loads(os.environ.get('JUNI_TEST_EDITS', '{}')).items():
        with open(file, 'w') as f:
            f.write(text)
`;

export class PipRuns {
  readonly #dir: string;
  readonly #log: string;
  #mark = 0;

  /** A fresh hook folder and an empty log, removed when the test ends. */
  constructor(t: TestContext) {
    this.#dir = mkdtempSync(path.join(tmpdir(), 'juni-pip-runs-'));
    t.after(() => rmSync(this.#dir, { recursive: true, force: true }));
    writeFileSync(path.join(this.#dir, 'sitecustomize.py'), HOOK);
    this.#log = path.join(this.#dir, 'pip.log');
    writeFileSync(this.#log, '');
  }

  /**
   * The environment to run juni with (merged with `extra`): the hook on PYTHONPATH, and the files
   * the hook overwrites in every pip run (absolute path -> new content).
   */
  env(extra: NodeJS.ProcessEnv = {}, edits: Record<string, string> = {}): NodeJS.ProcessEnv {
    const inherited = process.env.PYTHONPATH;
    return {
      PYTHONPATH: inherited ? `${this.#dir}${path.delimiter}${inherited}` : this.#dir,
      JUNI_TEST_PIP_LOG: this.#log,
      JUNI_TEST_EDITS: JSON.stringify(edits),
      ...extra,
    };
  }

  /** pip's arguments in each install so far, oldest first. */
  runs(): string[][] {
    return readFileSync(this.#log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  }

  /** How many times pip installed since this counter was made. */
  count(): number {
    return this.runs().length;
  }

  /** How many times pip installed since the last call to `since()` (or since it was made). */
  since(): number {
    const total = this.count();
    const delta = total - this.#mark;
    this.#mark = total;
    return delta;
  }
}
