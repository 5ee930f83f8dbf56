// Owns the output folder: placing each zip (only when its bytes differ), recording it as juni's,
// and cleaning juni's own zips that this build did not produce; nothing else there is ever
// deleted. Leaves building zips to run-package.ts.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  lstatSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAlive, type ArtifactStore } from '../cache/artifacts.js';
import { removeIfUnchanged, type PlacedZips } from '../cache/placed-zips.js';
import type { ZipOutput } from '../cache/results.js';
import type { StatCache } from '../cache/stat-cache.js';
import { makeFolder } from '../fs/make-folder.js';
import { realPathLoose } from '../fs/real-path.js';
import { sha256ByStat } from '../fs/sha256-file.js';
import { toFileStat } from '../fs/source-file.js';

export type PlaceResult = { state: 'unchanged' | 'written'; path: string } | { state: 'corrupt' };

/** Temp files are `.NAME.zip.juni-PID-RAND.tmp`, so a crashed run's are known by their dead pid. */
const TEMP = /^\..+\.juni-(\d+)-[0-9a-f]+\.tmp$/;

export class OutputFolder {
  readonly dir: string;
  /** The folder resolved through symlinks: what the record of placed zips is keyed by. */
  readonly #realDir: string;
  readonly #stats: StatCache;
  readonly #artifacts: ArtifactStore;
  readonly #placed: PlacedZips;
  /** What the cache recorded for this folder when the build began (read once, on first use). */
  #recorded: Map<string, string> | undefined;

  constructor(options: { dir: string; stats: StatCache; artifacts: ArtifactStore; placed: PlacedZips }) {
    this.dir = options.dir;
    this.#realDir = realPathLoose(options.dir);
    this.#stats = options.stats;
    this.#artifacts = options.artifacts;
    this.#placed = options.placed;
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
    if (await this.#holds(dest, zip.sha256)) {
      // Those bytes are the zip juni built for this name: juni's, whoever copied them there.
      this.#record(`${name}.zip`, zip.sha256);
      return { state: 'unchanged', path: dest };
    }
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

  /** Records a placed zip; a no-op build finds every record already right and writes none. */
  #record(name: string, sha256: string): void {
    this.#recorded ??= new Map([...this.#placed.inDir(this.#realDir)].map(([n, z]) => [n, z.sha256]));
    if (this.#recorded.get(name) === sha256) return;
    this.#recorded.set(name, sha256);
    this.#placed.record({ dir: this.#realDir, name, sha256 });
  }

  #commit(temp: string, dest: string, sha256: string): PlaceResult {
    renameSync(temp, dest);
    this.#record(path.basename(dest), sha256);
    this.#stats.set(dest, 'sha256', toFileStat(statSync(dest, { bigint: true })), sha256, { trusted: true });
    return { state: 'written', path: dest };
  }

  async #holds(dest: string, sha256: string): Promise<boolean> {
    const raw = statSync(dest, { bigint: true, throwIfNoEntry: false });
    if (!raw) return false;
    if (raw.isDirectory())
      throw Object.assign(new Error(`${dest} is a folder`), { code: 'EISDIR', syscall: 'write', path: dest });
    return (await sha256ByStat(this.#stats, dest, toFileStat(raw))) === sha256;
  }

  /** Removes the stale zip of a node that failed, if juni placed it and it is unchanged. */
  async remove(name: string): Promise<boolean> {
    const zipName = `${name}.zip`;
    const placed = this.#placed.inDir(this.#realDir).get(zipName);
    return placed !== undefined && this.#removeIfOurs(zipName, placed.sha256);
  }

  /**
   * Removes the zips juni placed here earlier that are not named in `keep` (juniper emptied its
   * output folder before a build; juni cleans after, so unchanged zips survive). A file that is
   * not juni's, or that was changed since juni wrote it, stays. With `onlyTemp`, removes only the
   * temp files of runs that died.
   */
  async clean(keep: ReadonlySet<string>, options: { onlyTemp: boolean }): Promise<string[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const placed = this.#placed.inDir(this.#realDir);
    const removed: string[] = [];
    for (const name of names) {
      const temp = TEMP.exec(name);
      if (temp) {
        if (isAlive(Number(temp[1])) || !lstatSync(path.join(this.dir, name)).isFile()) continue;
        rmSync(path.join(this.dir, name), { force: true });
        removed.push(name);
        continue;
      }
      const own = placed.get(name);
      if (options.onlyTemp || keep.has(name) || own === undefined) continue;
      if (await this.#removeIfOurs(name, own.sha256)) removed.push(name);
    }
    // Records of zips that are gone (deleted by the user) are dropped too.
    const present = new Set(names);
    for (const name of placed.keys()) if (!present.has(name)) this.#placed.forget(this.#realDir, name);
    return removed;
  }

  /** Deletes `name` if it is a plain file still holding the bytes juni placed; forgets it either way. */
  async #removeIfOurs(name: string, sha256: string): Promise<boolean> {
    this.#placed.forget(this.#realDir, name);
    return removeIfUnchanged(this.#stats, path.join(this.dir, name), sha256);
  }
}
