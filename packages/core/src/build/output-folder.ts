// Owns the output folder: placing each zip (only when its bytes differ), and cleaning what this
// build did not produce. Leaves building zips to run-package.ts.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, createReadStream, createWriteStream, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAlive, type ArtifactStore } from '../cache/artifacts.js';
import type { ZipOutput } from '../cache/results.js';
import type { StatCache } from '../cache/stat-cache.js';
import { makeFolder } from '../fs/make-folder.js';
import { sha256ByStat } from '../fs/sha256-file.js';
import { toFileStat } from '../fs/source-file.js';

export type PlaceResult =
  | { state: 'unchanged' | 'written'; path: string }
  | { state: 'corrupt' };

/** Temp files are `.NAME.zip.juni-PID-RAND.tmp`, so a crashed run's are known by their dead pid. */
const TEMP = /^\..+\.juni-(\d+)-[0-9a-f]+\.tmp$/;

export class OutputFolder {
  readonly dir: string;
  readonly #stats: StatCache;
  readonly #artifacts: ArtifactStore;

  constructor(options: { dir: string; stats: StatCache; artifacts: ArtifactStore }) {
    this.dir = options.dir;
    this.#stats = options.stats;
    this.#artifacts = options.artifacts;
  }

  zipPath(name: string): string {
    return path.join(this.dir, `${name}.zip`);
  }

  /**
   * Makes `<dir>/<name>.zip` hold the stored zip. A file that already has those bytes is not
   * touched (its mtime stays). A stored zip that fails its sha256 check is dropped: 'corrupt'.
   */
  async place(name: string, zip: ZipOutput, options: { justWritten?: boolean } = {}): Promise<PlaceResult> {
    const dest = this.zipPath(name);
    if (await this.#holds(dest, zip.sha256)) return { state: 'unchanged', path: dest };
    makeFolder(this.dir);
    const temp = path.join(this.dir, `.${name}.zip.juni-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const source = this.#artifacts.zipPath(zip.sha256);
    if (options.justWritten) {
      // Hashed while this build wrote it: a kernel copy (a reflink where the file system has them)
      // instead of reading it back through a hash saves a pass over the whole zip.
      copyFileSync(source, temp, constants.COPYFILE_FICLONE);
      chmodSync(temp, 0o644);
      return this.#commit(temp, dest, zip.sha256);
    }
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(source), tap, createWriteStream(temp, { mode: 0o644 }));
    } catch (error) {
      rmSync(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'corrupt' };
      throw error;
    }
    if (hash.digest('hex') !== zip.sha256) {
      rmSync(temp, { force: true });
      this.#artifacts.remove(source);
      return { state: 'corrupt' };
    }
    return this.#commit(temp, dest, zip.sha256);
  }

  #commit(temp: string, dest: string, sha256: string): PlaceResult {
    renameSync(temp, dest);
    this.#stats.set(dest, 'sha256', toFileStat(statSync(dest, { bigint: true })), sha256, { trusted: true });
    return { state: 'written', path: dest };
  }

  async #holds(dest: string, sha256: string): Promise<boolean> {
    const raw = statSync(dest, { bigint: true, throwIfNoEntry: false });
    if (!raw) return false;
    if (raw.isDirectory()) throw Object.assign(new Error(`${dest} is a folder`), { code: 'EISDIR', syscall: 'write', path: dest });
    return (await sha256ByStat(this.#stats, dest, toFileStat(raw))) === sha256;
  }

  /** Removes a stale zip of a node that failed; what is not a file (a folder) is left for the user. */
  remove(name: string): void {
    const file = this.zipPath(name);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) rmSync(file, { force: true });
  }

  /**
   * Removes every file and folder not named in `keep` (juniper cleaned its output folder before a
   * build; this cleans after, so unchanged zips survive). With `onlyTemp`, removes only the temp
   * files of runs that died.
   */
  clean(keep: ReadonlySet<string>, options: { onlyTemp: boolean }): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const temp = TEMP.exec(name);
      if (temp) {
        if (isAlive(Number(temp[1]))) continue;
      } else if (options.onlyTemp || keep.has(name)) {
        continue;
      }
      rmSync(path.join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}
