// Owns the local side of the cache protocol: results in cache.db, their bytes in artifacts/, and
// the one test of whether a stored artifact is usable (placing a zip re-checks only what it
// copies). Leaves the tables and files to results.ts and artifacts.ts.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { sha256ByStat } from '../fs/sha256-file.js';
import { toFileStat } from '../fs/source-file.js';
import type { ArtifactStore } from './artifacts.js';
import type { Cache, CacheLookup, CacheQuery } from './cache.js';
import type { NodeOutput, ResultStore, StoredResult, TreeOutput } from './results.js';
import type { StatCache } from './stat-cache.js';

export interface LocalCacheOptions {
  results: ResultStore;
  artifacts: ArtifactStore;
  stats: StatCache;
  /** false for explanations (--dry-run, `juni why`): a damaged result is reported, not dropped. */
  dropDamaged?: boolean;
}

export class LocalCache implements Cache {
  readonly #results: ResultStore;
  readonly #artifacts: ArtifactStore;
  readonly #stats: StatCache;
  readonly #dropDamaged: boolean;

  constructor(options: LocalCacheOptions) {
    this.#results = options.results;
    this.#artifacts = options.artifacts;
    this.#stats = options.stats;
    this.#dropDamaged = options.dropDamaged ?? true;
  }

  async get(query: CacheQuery): Promise<CacheLookup> {
    if (query.need === 'record') {
      // Reading a pack's file list costs more than the whole lookup: existence is enough here.
      return this.#results.has(query.key) ? { state: 'hit', source: 'local', result: undefined } : { state: 'miss' };
    }
    const result = this.#results.get(query.key);
    if (!result) return { state: 'miss' };
    if (query.need === 'result') return { state: 'hit', source: 'local', result };
    const usable = await this.#usable(result);
    if (usable === 'yes') return { state: 'hit', source: 'local', result };
    if (this.#dropDamaged) {
      this.drop(query.key);
      // A zip is stored by its sha256: a file under that name with other bytes is of no use to anyone.
      if (usable === 'damaged' && result.output.type === 'zip')
        this.#artifacts.remove(this.#artifacts.zipPath(result.output.sha256));
    }
    return usable === 'missing' ? { state: 'miss' } : { state: 'damaged' };
  }

  /**
   * Whether a stored result's bytes can be used: the one test the build, --dry-run and `juni why`
   * share. A missing artifact (pruned, deleted) is a plain miss; bytes that differ are damage.
   */
  async #usable(result: StoredResult): Promise<'yes' | 'missing' | 'damaged'> {
    const output = result.output;
    switch (output.type) {
      case 'zip':
        return this.#fileUsable(this.#artifacts.zipPath(output.sha256), output);
      case 'pack':
        return this.#fileUsable(this.#artifacts.packPath(result.key), output.pack);
      case 'tree':
        return treeIsIntact(this.#artifacts.treePath(result.key), output) ? 'yes' : 'missing';
      case 'image':
        return treeIsIntact(this.#artifacts.treePath(result.key), output.lambdaFiles) ? 'yes' : 'missing';
      case 'check':
        return 'yes';
    }
  }

  /**
   * A zip or pack is usable if it has the bytes it was stored with. Reading 40 MiB costs ~30 ms,
   * so its sha256 is remembered by stat (recorded when it was written): any write changes it.
   */
  async #fileUsable(file: string, stored: { sha256: string; bytes: number }): Promise<'yes' | 'missing' | 'damaged'> {
    const raw = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!raw) return 'missing';
    if (Number(raw.size) !== stored.bytes) return 'damaged';
    return (await sha256ByStat(this.#stats, file, toFileStat(raw))) === stored.sha256 ? 'yes' : 'damaged';
  }

  put(result: StoredResult, artifact: string | undefined): void {
    if (artifact !== undefined) this.#commit(result.key, result.output, artifact);
    this.#results.put(result);
  }

  #commit(key: string, output: NodeOutput, temp: string): void {
    switch (output.type) {
      case 'zip':
        this.#commitFile(temp, this.#artifacts.zipPath(output.sha256), output.sha256);
        return;
      case 'pack':
        this.#commitFile(temp, this.#artifacts.packPath(key), output.pack.sha256);
        return;
      case 'tree':
      case 'image':
        this.#artifacts.commit(temp, this.#artifacts.treePath(key));
        return;
      case 'check':
        return;
    }
  }

  /**
   * Hashed as it was written, so the next lookup need not read it back; but only if the file in
   * place is still ours (same inode): another process may have renamed its own over it.
   */
  #commitFile(temp: string, final: string, sha256: string): void {
    const ours = statSync(temp, { bigint: true }).ino;
    this.#artifacts.commit(temp, final);
    const placed = statSync(final, { bigint: true });
    if (placed.ino === ours) this.#stats.set(final, 'sha256', toFileStat(placed), sha256, { trusted: true });
  }

  drop(key: string): void {
    const stored = this.#results.get(key);
    this.#results.delete(key);
    // A folder left behind would be kept by the next commit (another process's, as far as it knows).
    if (stored?.output.type === 'image' || stored?.output.type === 'tree')
      this.#artifacts.remove(this.#artifacts.treePath(key));
  }

  touch(key: string): void {
    this.#results.touch(key);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the protocol is async for servers
  async flush(): Promise<void> {
    this.#results.flushTouches();
  }
}

/** Cheap integrity check before reusing a folder: every recorded file is there with its size. */
function treeIsIntact(root: string, tree: TreeOutput): boolean {
  for (const file of tree.files) {
    const size = statSync(path.join(root, file.path), { throwIfNoEntry: false })?.size;
    if (size !== file.size) return false;
  }
  return tree.files.length > 0 || existsSync(root);
}
